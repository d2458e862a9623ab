import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourceOf } from "../../src/graph/resources/index.js";
import { startApi, type TestApi } from "../support/api.js";
import { addTenant, expectErrorShape, syncAndWait, type AddedTenant } from "./helpers.js";

/**
 * Property-based fuzz of `?filter=`: random text, token soups of the
 * grammar's own words, and well-typed filters built from the grammar. The
 * first two answer 200 or a 4xx with the error shape, never a 5xx; a
 * well-typed filter on queryable properties always answers 200.
 */

/** Never a lone surrogate: no URL can carry one. */
const noLoneSurrogate = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const anyText = fc.oneof(fc.string({ minLength: 1, maxLength: 80 }), fc.string({ unit: "binary", minLength: 1, maxLength: 60 })).filter(noLoneSurrogate);

const WORDS = ["(", ")", ",", "/", ":", "eq", "ne", "in", "and", "or", "any", "startswith", "startsWith", "true", "false", "null", "'x'", "'O''Neil'", "'", "''", "'é😀'", "department", "accountEnabled", "groupTypes", "g", "jobTitle", "1", "-", "eq'a'", "((", "))"];
const soup = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 14 }).chain((ws) => fc.constantFrom(ws.join(" "), ws.join("")));

const quoted = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const value = fc.string({ maxLength: 12 }).filter(noLoneSurrogate);
const users = resourceOf("users").queryable ?? {};
const stringProps = Object.keys(users).filter((p) => users[p] === "string");
const boolProps = Object.keys(users).filter((p) => users[p] === "boolean");

/** A comparison that fits its property's kind. */
const comparison: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...stringProps), fc.constantFrom("eq", "ne"), fc.oneof(value.map(quoted), fc.constant("null"))).map(([p, op, v]) => `${p} ${op} ${v}`),
  fc.tuple(fc.constantFrom(...stringProps), value).map(([p, v]) => `startswith(${p},${quoted(v)})`),
  fc.tuple(fc.constantFrom(...stringProps), fc.array(value.map(quoted), { minLength: 1, maxLength: 4 })).map(([p, vs]) => `${p} in (${vs.join(",")})`),
  fc.tuple(fc.constantFrom(...boolProps), fc.constantFrom("eq", "ne"), fc.constantFrom("true", "false", "null")).map(([p, op, v]) => `${p} ${op} ${v}`),
);
const wellTyped: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    comparison,
    fc.tuple(tie("expr"), fc.constantFrom("and", "or"), tie("expr")).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("expr").map((e) => `(${e})`),
  ),
})).expr.filter((f) => f.length <= 1024 && (f.match(/ eq | ne |startswith\(| in \(/g) ?? []).length <= 20);

describe("?filter= fuzz", () => {
  let api: TestApi;
  let t: AddedTenant;

  beforeAll(async () => {
    api = await startApi();
    t = await addTenant(api, { spec: { users: 25, groups: 6 } });
    await syncAndWait(api, t.id);
  }, 240_000);
  afterAll(async () => api?.stop());

  const get = async (filter: string) => {
    const res = await api.call("GET", `/tenants/${t.id}/objects/users?filter=${encodeURIComponent(filter)}&pageSize=5`, { token: api.reader });
    return { status: res.status, text: await res.text() };
  };

  it("answers random text and token soups with 200 or a 4xx carrying the error shape, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, soup), async (filter) => {
        const { status, text } = await get(filter);
        expect(status, `${JSON.stringify(filter)}: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (status !== 200) {
          expect(status).toBe(400);
          expectErrorShape(status, text, filter);
        }
      }),
      { numRuns: 250 },
    );
  }, 240_000);

  it("answers every well-typed filter on queryable properties with 200", async () => {
    await fc.assert(
      fc.asyncProperty(wellTyped, async (filter) => {
        const { status, text } = await get(filter);
        expect(status, `${filter}: ${text.slice(0, 200)}`).toBe(200);
      }),
      { numRuns: 150 },
    );
  }, 240_000);

  it("answers deep nesting and an over-long filter with a 4xx, not a crash", async () => {
    // Regression: 500 levels of parentheses overflowed the parser's recursion (a 500); nesting is now bounded.
    expect((await get(`${"(".repeat(32)}department eq 'a'${")".repeat(32)}`)).status).toBe(200);
    for (const f of [`${"(".repeat(500)}department eq 'a'${")".repeat(500)}`, "(".repeat(1024)]) {
      const r = await get(f);
      expect(r.status).toBe(400);
      expect(expectErrorShape(r.status, r.text).message).toContain("deeper than 32 at position 32");
    }
    const long = await get(`department eq '${"a".repeat(1100)}'`);
    expect(long.status).toBe(400);
    expect(expectErrorShape(long.status, long.text).code).toBe("ValidationError");
  });
});
