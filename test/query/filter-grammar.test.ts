import { describe, expect, it } from "vitest";
import { users } from "../../src/graph/resources/users.js";
import { groups } from "../../src/graph/resources/groups.js";
import { RESOURCES } from "../../src/graph/resources/index.js";
import { FilterError } from "../../src/query/ast.js";
import type { ResourceModule } from "../../src/graph/resource.js";
import { checkFilter } from "../../src/query/check.js";
import { matches } from "../../src/query/evaluate.js";
import { inRange, stemsOf } from "../../src/query/index-keys.js";
import { parseFilter } from "../../src/query/parser.js";
import { rangesOf } from "../../src/query/plan.js";

const fails = (f: () => unknown): FilterError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FilterError);
    return e as FilterError;
  }
  throw new Error("did not throw");
};

describe("filter grammar", () => {
  it("parses each operator, with OData quoting and precedence (and binds tighter than or)", () => {
    expect(parseFilter("mail eq 'O''Neil@x'")).toEqual({ kind: "eq", prop: "mail", value: "O'Neil@x", at: 0 });
    expect(parseFilter("a eq 'x' or b ne null and c eq true")).toEqual({
      kind: "or",
      items: [
        { kind: "eq", prop: "a", value: "x", at: 0 },
        { kind: "and", items: [{ kind: "ne", prop: "b", value: null, at: 12 }, { kind: "eq", prop: "c", value: true, at: 26 }] },
      ],
    });
    expect(parseFilter("(a in ('x', 'y'))")).toEqual({ kind: "in", prop: "a", values: ["x", "y"], at: 1 });
    expect(parseFilter("startsWith(displayName,'Al')")).toEqual({ kind: "startswith", prop: "displayName", value: "Al", at: 0 });
    expect(parseFilter("groupTypes/any(t:t eq 'Unified')")).toEqual({ kind: "any", prop: "groupTypes", value: "Unified", at: 0 });
    // A keyword prefix is a name: `order` and `index` are identifiers, not `or`/`in`.
    expect(parseFilter("order eq 'x'")).toMatchObject({ prop: "order" });
  });

  it.each([
    ["a eq", "end of the filter at position 4"],
    ["a eq 'x", "Unterminated string at position 5"],
    ["a eq 'x')", "')' at position 8"],
    ["a == 'x'", "'=' at position 2"],
    ["a in ()", "')' at position 6"],
    ["and", "'and' at position 0"],
    ["g/any(x: y eq 'a')", "'y' at position 9"],
  ])("refuses %s naming the position", (text, message) => {
    expect(fails(() => parseFilter(text)).message).toContain(message);
  });

  it("checks names and kinds against the module's queryable properties", () => {
    expect(checkFilter(users, parseFilter("USERPRINCIPALNAME eq 'a'"))).toMatchObject({ prop: "userPrincipalName" });
    expect(fails(() => checkFilter(users, parseFilter("jobTitle eq 'a'")))).toMatchObject({ code: "PropertyNotQueryable" });
    expect(fails(() => checkFilter(users, parseFilter("accountEnabled eq 'true'")))).toMatchObject({ code: "InvalidFilter" });
    expect(fails(() => checkFilter(groups, parseFilter("groupTypes eq 'Unified'"))).message).toContain("any");
    expect(fails(() => checkFilter(users, parseFilter(Array.from({ length: 21 }, () => "mail eq 'a'").join(" or ")))).message).toContain("20 comparisons");
  });

  it("declares only selected properties as queryable", () => {
    for (const m of RESOURCES) for (const p of Object.keys(m.queryable ?? {})) expect(m.select, `${m.type}.${p}`).toContain(p);
  });

  it("matches ignoring case, treats a missing property as null, and ne as not eq", () => {
    const u = { id: "1", department: "Sales", accountEnabled: true };
    expect(matches(parseFilter("department eq 'SALES'"), u)).toBe(true);
    expect(matches(parseFilter("mail eq null"), u)).toBe(true);
    expect(matches(parseFilter("mail ne 'x'"), u)).toBe(true);
    expect(matches(parseFilter("startswith(department,'sa') and accountEnabled ne false"), u)).toBe(true);
    expect(matches(parseFilter("department in ('a', 'b') or accountEnabled eq false"), u)).toBe(false);
  });

  it("serves eq, in, startswith and any from index ranges; an and by its cheapest term; ne, booleans and an or with one unserved term by reading the type", () => {
    const plan = (m: ResourceModule, f: string) => rangesOf(m, checkFilter(m, parseFilter(f)));
    expect(plan(users, "department eq 'Sales'")).toEqual([{ prop: "department", prefix: "vsales|" }]);
    expect(plan(users, "mail in ('A@x', 'a@X', null)")).toEqual([{ prop: "mail", prefix: "va@x|" }, { prop: "mail", prefix: "n|" }]);
    expect(plan(users, "startswith(displayName,'a') and userPrincipalName eq 'b@c'")).toEqual([{ prop: "userPrincipalName", prefix: "vb@c|" }]);
    expect(plan(groups, "groupTypes/any(g:g eq 'Unified')")).toEqual([{ prop: "groupTypes", prefix: "vunified|" }]);
    expect(plan(users, "department ne 'Sales'")).toBeUndefined();
    expect(plan(users, "accountEnabled eq true")).toBeUndefined();
    expect(plan(users, "department eq 'a' or accountEnabled eq true")).toBeUndefined();
  });

  it("stems keep prefixes and key safety: a stem range holds every value that matches", () => {
    const stems = stemsOf(users, { id: "1", displayName: "Ana/Maria#1", mail: null, department: "x".repeat(300) });
    expect(stems.displayName).toEqual(["vana_maria_1"]);
    expect(stems.mail).toEqual(["n"]);
    expect(inRange(stems, rangesOf(users, checkFilter(users, parseFilter("startswith(displayName,'ANA/')")))![0]!)).toBe(true);
    // A value cut to the stem length still falls in its own eq range.
    expect(inRange(stems, rangesOf(users, checkFilter(users, parseFilter(`department eq '${"x".repeat(300)}'`)))![0]!)).toBe(true);
  });
});
