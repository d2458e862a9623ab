import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Json } from "../../src/domain/graph-object.js";
import { resourceOf } from "../../src/graph/resources/index.js";
import { filterFor } from "../../src/query/filter.js";
import { filterPage } from "../../src/query/filter-page.js";
import { textOf } from "../../src/domain/text.js";
import { startApi, type TestApi } from "../support/api.js";
import { simGet, simPost } from "../support/sim.js";
import { addTenant, expectErrorShape, syncAndWait, type AddedTenant } from "./helpers.js";

type Obj = Record<string, Json>;
type Type = "users" | "groups" | "devices" | "servicePrincipals";

/** The oracle: written apart from src/query/evaluate.ts, over the simulator's truth. */
const str = (v: Json | undefined): string | undefined => (typeof v === "string" ? v.toLowerCase() : undefined);
const isNull = (v: Json | undefined): boolean => v === null || v === undefined;
const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

interface Case {
  readonly filter: string;
  readonly want: (o: Obj) => boolean;
}

/** Every operator on one property, with values taken from the truth. */
function casesFor(prop: string, kind: string, truth: readonly Obj[]): Case[] {
  if (kind === "boolean") {
    return [
      { filter: `${prop} eq true`, want: (o) => o[prop] === true },
      { filter: `${prop} eq false`, want: (o) => o[prop] === false },
      { filter: `${prop} ne true`, want: (o) => o[prop] !== true },
      { filter: `${prop} eq null`, want: (o) => isNull(o[prop]) },
      { filter: `${prop} in (false, null)`, want: (o) => o[prop] !== true },
    ];
  }
  if (kind === "strings") {
    const values = [...new Set(truth.flatMap((o) => (Array.isArray(o[prop]) ? (o[prop]) : []).filter((x): x is string => typeof x === "string")))];
    expect(values.length, `${prop}: the truth holds values`).toBeGreaterThan(0);
    return values.map((v) => ({ filter: `${prop}/any(g: g eq ${q(v.toUpperCase())})`, want: (o: Obj) => Array.isArray(o[prop]) && (o[prop]).some((x) => str(x) === v.toLowerCase()) }));
  }
  const values = [...new Set(truth.map((o) => o[prop]).filter((v): v is string => typeof v === "string" && v.length > 2))];
  expect(values.length, `${prop}: the truth holds values`).toBeGreaterThan(1);
  const [a, b] = [values[0]!, values[values.length - 1]!];
  const prefix = a.slice(0, 2);
  return [
    // Strings compare ignoring case.
    { filter: `${prop} eq ${q(a.toUpperCase())}`, want: (o) => str(o[prop]) === a.toLowerCase() },
    { filter: `${prop} ne ${q(a)}`, want: (o) => str(o[prop]) !== a.toLowerCase() },
    { filter: `startswith(${prop},${q(prefix)})`, want: (o) => str(o[prop])?.startsWith(prefix.toLowerCase()) === true },
    { filter: `${prop} in (${q(a)}, ${q(b)}, 'no such value')`, want: (o) => [a, b].map((x) => x.toLowerCase()).includes(str(o[prop]) ?? "\u0000") },
    { filter: `${prop} eq null`, want: (o) => isNull(o[prop]) },
    { filter: `${prop} ne null`, want: (o) => !isNull(o[prop]) },
  ];
}

describe("GET /tenants/{id}/objects/{type}?filter=", () => {
  let api: TestApi;
  let t: AddedTenant;
  const truth = new Map<Type, Obj[]>();

  const truthOf = async (type: Type): Promise<Obj[]> => {
    const props = ["id", ...Object.keys(resourceOf(type).queryable ?? {})];
    return simGet<Obj[]>(`/_sim/${t.id}/truth/${type}?select=${props.join(",")}`);
  };

  /** Every page of a filter (small pages, so the continuation token is exercised); the IDs, sorted. */
  async function ids(type: string, filter: string, pageSize = 15): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 200; i++) {
      const qs = new URLSearchParams({ filter, pageSize: String(pageSize), ...(token ? { continuationToken: token } : {}) });
      const res = await api.call("GET", `/tenants/${t.id}/objects/${type}?${qs.toString()}`, { token: api.reader });
      const text = await res.text();
      expect(res.status, `${filter}: ${text.slice(0, 300)}`).toBe(200);
      const body = JSON.parse(text) as { items: Obj[]; continuationToken?: string };
      out.push(...body.items.map((o) => textOf(o.id)));
      token = body.continuationToken;
      if (!token) break;
    }
    return out.sort();
  }

  beforeAll(async () => {
    api = await startApi();
    t = await addTenant(api, { spec: { users: 80, groups: 25, devices: 20, applications: 5, extraServicePrincipals: 5, largeGroupMembers: 30, avgGroupMembers: 4 } });
    await syncAndWait(api, t.id);
    for (const type of ["users", "groups", "devices", "servicePrincipals"] as const) truth.set(type, await truthOf(type));
  }, 240_000);
  afterAll(async () => api?.stop());

  it.each(["users", "groups", "devices", "servicePrincipals"] as const)("each operator on each queryable property of %s matches the simulator's truth", async (type) => {
    const rows = truth.get(type)!;
    for (const [prop, kind] of Object.entries(resourceOf(type).queryable ?? {})) {
      for (const c of casesFor(prop, kind, rows)) {
        const expected = rows.filter(c.want).map((o) => textOf(o.id)).sort();
        expect(await ids(type, c.filter), `${type}: ${c.filter}`).toEqual(expected);
      }
    }
  }, 240_000);

  it("combines terms with and, or and parentheses, each object once, with search on top", async () => {
    const users = truth.get("users")!;
    const dept = users.map((u) => u.department).find((d): d is string => typeof d === "string")!;
    const cases: Case[] = [
      { filter: `department eq ${q(dept)} and accountEnabled eq true`, want: (o) => str(o.department) === dept.toLowerCase() && o.accountEnabled === true },
      // Overlapping ranges (a prefix and a value inside it) list an object once.
      { filter: `startswith(department,${q(dept.slice(0, 1))}) or department eq ${q(dept)}`, want: (o) => str(o.department)?.startsWith(dept.slice(0, 1).toLowerCase()) === true },
      { filter: `(userType eq 'Guest' or department eq ${q(dept)})`, want: (o) => o.userType === "Guest" || str(o.department) === dept.toLowerCase() },
      { filter: `userType eq 'Member' and (accountEnabled eq false or onPremisesSyncEnabled eq true)`, want: (o) => o.userType === "Member" && (o.accountEnabled === false || o.onPremisesSyncEnabled === true) },
    ];
    for (const c of cases) expect(await ids("users", c.filter, 5), c.filter).toEqual(users.filter(c.want).map((o) => textOf(o.id)).sort());
    const both = await api.call("GET", `/tenants/${t.id}/objects/users?filter=${encodeURIComponent("userType eq 'Member'")}&search=a&pageSize=1000`, { token: api.reader });
    const items = ((await both.json()) as { items: Obj[] }).items;
    expect(items.length).toBeGreaterThan(0);
    for (const u of items) {
      expect(u.userType).toBe("Member");
      expect(textOf(u.displayName).toLowerCase().startsWith("a")).toBe(true);
    }
  }, 240_000);

  it("serves eq, in, startswith and any from index rows, and ne and booleans by reading the type", async () => {
    const store = api.services.objects(t.id);
    const served = async (type: string, text: string) => {
      const { m, expr } = filterFor(type, text);
      return (await filterPage(store, m, expr, { pageSize: 1000 })).served;
    };
    expect(await served("users", "userPrincipalName eq 'x@y'")).toBe("index");
    expect(await served("users", "department in ('Sales', null)")).toBe("index");
    expect(await served("users", "startswith(mail,'a') and accountEnabled eq true")).toBe("index");
    expect(await served("groups", "groupTypes/any(g:g eq 'Unified')")).toBe("index");
    expect(await served("users", "department ne 'Sales'")).toBe("scan");
    expect(await served("users", "accountEnabled eq false or department eq 'Sales'")).toBe("scan");
  });

  it("keeps the index right through a delta round: a changed value moves, a deleted object leaves", async () => {
    const users = truth.get("users")!;
    const [u, gone] = users.filter((o) => typeof o.department === "string");
    const id = textOf(u!.id);
    await simPost(`/_sim/${t.id}/objects/users/${id}`, { department: "Filter Test Dept" }, "PATCH");
    await simPost(`/_sim/${t.id}/objects/users/${textOf(gone!.id)}`, {}, "DELETE");
    await syncAndWait(api, t.id);
    expect(await ids("users", "department eq 'filter test dept'")).toEqual([id]);
    expect(await ids("users", `department eq ${q(textOf(u!.department))}`)).not.toContain(id);
    expect(await ids("users", `userPrincipalName eq ${q(textOf(gone!.userPrincipalName))}`)).toEqual([]);
  }, 240_000);

  it.each([
    ["department eq", "InvalidFilter", "position 13"],
    ["department eq 'unterminated", "InvalidFilter", "position 14"],
    ["(department eq 'a'", "InvalidFilter", "position 18"],
    ["department eq 'a' extra", "InvalidFilter", "position 18"],
    ["department = 'a'", "InvalidFilter", "position 11"],
    ["department eq true", "InvalidFilter", "position 0"],
    ["accountEnabled eq 'yes'", "InvalidFilter", "position 0"],
    ["startswith(accountEnabled,'t')", "InvalidFilter", "accountEnabled"],
    ["jobTitle eq 'Engineer'", "PropertyNotQueryable", "'jobTitle'"],
    ["department eq 'a' or city eq 'b'", "PropertyNotQueryable", "'city' at position 21"],
    ["groupTypes/any(g: h eq 'x')", "InvalidFilter", "'h' at position 18"],
    ["groupTypes/any(g: g eq 'x')", "PropertyNotQueryable", "'groupTypes'"],
  ])("answers 400 for %s", async (filter, code, named) => {
    const res = await api.call("GET", `/tenants/${t.id}/objects/users?filter=${encodeURIComponent(filter)}`, { token: api.reader });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const err = expectErrorShape(res.status, text, filter);
    expect(err.code).toBe(code);
    expect(err.message).toContain(named);
  });

  it("answers 400 for a filter on a type that takes none, and for a token from another kind of plan", async () => {
    const links = await api.call("GET", `/tenants/${t.id}/objects/memberships?filter=${encodeURIComponent("groupId eq 'x'")}`, { token: api.reader });
    expect(links.status).toBe(400);
    expect(expectErrorShape(links.status, await links.text()).code).toBe("FilterNotSupported");
    const first = await api.call("GET", `/tenants/${t.id}/objects/users?filter=${encodeURIComponent("accountEnabled eq true")}&pageSize=1`, { token: api.reader });
    const token = ((await first.json()) as { continuationToken?: string }).continuationToken;
    expect(token).toBeDefined();
    const mixed = await api.call("GET", `/tenants/${t.id}/objects/users?filter=${encodeURIComponent("department eq 'x'")}&continuationToken=${token!}`, { token: api.reader });
    expect(mixed.status).toBe(400);
  });
});
