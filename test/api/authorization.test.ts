import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Route } from "../../src/api/route.js";
import { routes } from "../../src/api/routes.js";
import { ABSENT_TARGETS, PROVISIONING_GRANTS } from "../provisioning/support.js";
import { mintToken, startApi, type TestApi } from "../support/api.js";
import { simGet } from "../support/sim.js";
import { addTenant, expectErrorShape, fillPath, inAYear, syncAndWait, type AddedTenant, type Json } from "./helpers.js";

/**
 * The authorization matrix of issue 5: every route of the table, called by
 * anonymous, reader, admin and five kinds of invalid token, over real HTTP
 * with tokens signed by the simulated Entra.
 */

type Expect = "anonymous" | "reader" | "admin";

/** The rule, written by hand: /health is open; Sync.Reader may only read (exports count as reads); the rest needs Sync.Admin. */
const ruleOf = (r: Pick<Route, "method" | "path">): Expect => (r.path === "health" ? "anonymous" : r.method === "GET" ? "reader" : "admin");

const key = (r: Pick<Route, "method" | "path">) => `${r.method} /${r.path}`;

/** A valid admin token with its signature altered (one bit of the 10th signature byte). */
function withBadSignature(token: string): string {
  const [h, p, s] = token.split(".");
  const sig = Buffer.from(s ?? "", "base64url");
  sig[10] = (sig[10] ?? 0) ^ 0x01;
  return `${h}.${p}.${sig.toString("base64url")}`;
}

/** The same claims, unsigned (`alg: none`). */
function unsigned(token: string): string {
  const [, p] = token.split(".");
  return `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${p}.`;
}

describe("portal API: authorization matrix over every route", () => {
  let api: TestApi;
  let t1: AddedTenant; // read and changed by every caller
  let t2: AddedTenant; // only for DELETE /tenants/{id}
  let cred1: string; // a shared profile, read and changed
  let cred2: string; // only for DELETE /credentials/{id}
  let groupId: string;
  let memberId: string;
  const invalid: Record<string, string | null> = {};
  let noRole: string;

  const addProfile = async (name: string, t: AddedTenant): Promise<string> => {
    const res = await api.call("POST", "/credentials", { body: { name, clientId: t.clientId, clientSecret: t.secret, secretExpiresOn: inAYear() } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    api = await startApi();
    const readPlusWrite = [...inject("sim").tenants[0]!.grantedPermissions, "GroupMember.ReadWrite.All", ...PROVISIONING_GRANTS];
    [t1, t2] = await Promise.all([
      addTenant(api, { spec: { users: 40, groups: 10 }, grantedPermissions: readPlusWrite }),
      addTenant(api, { spec: { users: 10, groups: 2 } }),
    ]);
    [cred1, cred2] = await Promise.all([addProfile("matrix shared", t1), addProfile("matrix doomed", t1)]);
    await syncAndWait(api, t1.id);

    // A cloud security group Graph can manage, and one of its members: write-back routes then succeed for an admin.
    const groups = await simGet<Array<Record<string, Json>>>(`/_sim/${t1.id}/truth/groups?select=id,groupTypes,mailEnabled,securityEnabled,onPremisesSyncEnabled,membershipRule,isAssignableToRole`);
    const links = await simGet<Array<{ groupId: string; memberId: string; type: string }>>(`/_sim/${t1.id}/truth/memberships`);
    const manageable = groups.filter((g) => g.securityEnabled === true && g.mailEnabled === false && g.onPremisesSyncEnabled !== true && !g.membershipRule && g.isAssignableToRole !== true && Array.isArray(g.groupTypes) && g.groupTypes.length === 0);
    const link = links.find((l) => manageable.some((g) => g.id === l.groupId) && /user/i.test(l.type)) ?? links[0];
    expect(link, "a group with a member").toBeDefined();
    groupId = link!.groupId;
    memberId = link!.memberId;

    const admin = api.admin;
    invalid["anonymous"] = null;
    invalid["wrong audience"] = await mintToken({ audience: "api://another-api" });
    invalid["wrong issuer"] = await mintToken({ overrides: { iss: "https://evil/" } });
    invalid["expired"] = await mintToken({ ttlSeconds: -600 });
    invalid["bad signature"] = withBadSignature(admin);
    invalid["unsigned (alg none)"] = unsigned(admin);
    invalid["not a JWT"] = "not-a-jwt";
    noRole = await mintToken({ roles: [] });
  });

  afterAll(async () => {
    // The admin's Sync Now started a run: let it end before the runtime stops.
    if (api) {
      await api.durable.waitForCompletion(`sync-${t1.id}`, 60_000).catch(() => undefined);
      await api.stop();
    }
  });

  const destructive = (r: Route) => r.method === "DELETE" && (r.path === "tenants/{id}" || r.path === "credentials/{id}");

  function pathOf(r: Route): string {
    const onCredential = r.path.startsWith("credentials/");
    const id = onCredential ? (destructive(r) ? cred2 : cred1) : destructive(r) ? t2.id : t1.id;
    // Provisioning routes act on IDs Graph does not know: an admin's call is then a harmless 200 (already gone) or 4xx.
    return fillPath(r.path, { id, type: "users", groupId, memberId, objectId: memberId, ...ABSENT_TARGETS });
  }

  /** A plausible body for the routes that take one; the rest get none. */
  function bodyOf(r: Route): unknown {
    switch (key(r)) {
      case "POST /tenants":
        return { tenant: t1.id, cloud: "global", credential: { credentialId: cred1 } };
      case "PATCH /tenants/{id}":
        return { displayName: "Renamed in the matrix" };
      case "POST /credentials":
        return { name: "matrix extra", clientId: t1.clientId, clientSecret: t1.secret, secretExpiresOn: inAYear() };
      case "PATCH /credentials/{id}":
        return { name: "matrix shared (renamed)" };
      case "POST /connections/test":
        return { tenant: t1.id, cloud: "global", clientId: t1.clientId, clientSecret: t1.secret };
      default:
        return r.body ? {} : undefined;
    }
  }

  async function call(r: Route, token: string | null): Promise<{ status: number; text: string }> {
    const body = bodyOf(r);
    const res = await api.call(r.method, pathOf(r), { token, ...(body !== undefined ? { body } : {}) });
    return { status: res.status, text: await res.text() };
  }

  it("covers every route of the table, each with a concrete path", () => {
    expect(routes.length).toBeGreaterThanOrEqual(24);
    for (const r of routes) expect(pathOf(r), key(r)).not.toMatch(/[{}]/);
    // Each route once: method and path identify it.
    expect(new Set(routes.map(key)).size).toBe(routes.length);
  });

  it("the table's access levels follow the issue: /health open, reads for Sync.Reader, every write Sync.Admin only", () => {
    const byKey = new Map(routes.map((r) => [key(r), r.access]));
    // Written out for the routes that matter most, so a wrong table entry fails here.
    expect(byKey.get("GET /health")).toBe("anonymous");
    expect(byKey.get("POST /tenants")).toBe("admin");
    expect(byKey.get("PATCH /tenants/{id}")).toBe("admin");
    expect(byKey.get("DELETE /tenants/{id}")).toBe("admin");
    expect(byKey.get("POST /tenants/{id}/sync")).toBe("admin");
    expect(byKey.get("POST /connections/test")).toBe("admin");
    expect(byKey.get("POST /credentials")).toBe("admin");
    expect(byKey.get("DELETE /credentials/{id}")).toBe("admin");
    expect(byKey.get("POST /tenants/{id}/deletions/approve")).toBe("admin");
    expect(byKey.get("GET /tenants/{id}/history.csv")).toBe("reader");
    expect(byKey.get("GET /tenants/{id}/preview/export")).toBe("reader");
    expect(byKey.get("GET /openapi.json")).toBe("reader");
    expect(byKey.get("GET /tenants")).toBe("reader");
    for (const r of routes) expect(r.access, key(r)).toBe(ruleOf(r));
  });

  it("a token minted with default claims is accepted (so each invalid caller differs from a valid one in one way only)", async () => {
    const res = await api.call("GET", "/tenants", { token: await mintToken({}) });
    expect(res.status).toBe(200);
  });

  for (const caller of ["anonymous", "wrong audience", "wrong issuer", "expired", "bad signature", "unsigned (alg none)", "not a JWT"]) {
    it(`${caller}: 401 Unauthorized on every route but /health`, async () => {
      const wrong: string[] = [];
      for (const r of routes) {
        const { status, text } = await call(r, invalid[caller]!);
        if (r.access === "anonymous") {
          if (status !== 200) wrong.push(`${key(r)} → ${status} (expected 200)`);
          continue;
        }
        if (status !== 401) {
          wrong.push(`${key(r)} → ${status} (expected 401): ${text.slice(0, 160)}`);
          continue;
        }
        const err = expectErrorShape(status, text, `${caller} ${key(r)}`);
        if (err.code !== "Unauthorized") wrong.push(`${key(r)} → code ${err.code} (expected Unauthorized)`);
      }
      expect(wrong).toEqual([]);
    });
  }

  it("a valid token without an app role: 403 Forbidden on every route but /health", async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const { status, text } = await call(r, noRole);
      const want = r.access === "anonymous" ? 200 : 403;
      if (status !== want) wrong.push(`${key(r)} → ${status} (expected ${want}): ${text.slice(0, 160)}`);
      else if (want === 403 && expectErrorShape(status, text, key(r)).code !== "Forbidden") wrong.push(`${key(r)} → not code Forbidden`);
    }
    expect(wrong).toEqual([]);
  });

  it("reader: 403 on every admin route; never 401/403 (nor 5xx) on reads", async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const { status, text } = await call(r, api.reader);
      if (r.access === "admin") {
        if (status !== 403) wrong.push(`${key(r)} → ${status} (expected 403): ${text.slice(0, 160)}`);
        else if (expectErrorShape(status, text, key(r)).code !== "Forbidden") wrong.push(`${key(r)} → not code Forbidden`);
      } else if (status === 401 || status === 403 || status >= 500) {
        wrong.push(`${key(r)} → ${status} (expected the reader to pass): ${text.slice(0, 160)}`);
      }
    }
    expect(wrong).toEqual([]);
    // The reads named by the issue really answer the reader.
    const csv = await api.call("GET", `/tenants/${t1.id}/history.csv`, { token: api.reader });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n")[0]).toContain("runId");
    // Nothing the reader tried was written: the fixtures are as they were.
    expect((await api.call("GET", `/tenants/${t2.id}`, { token: api.reader })).status).toBe(200);
    expect((await api.call("GET", `/credentials/${cred2}`, { token: api.reader })).status).toBe(200);
  });

  // Last: the admin's calls write (rename, sync, delete the dedicated fixtures).
  it("admin: never 401/403 (nor 5xx) on any route", async () => {
    const wrong: string[] = [];
    const seen = new Map<string, number>();
    for (const r of routes) {
      const { status, text } = await call(r, api.admin);
      seen.set(key(r), status);
      if (status === 401 || status === 403 || status >= 500) wrong.push(`${key(r)} → ${status}: ${text.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    // The destructive routes ran against their own fixtures and did their work.
    expect(seen.get("DELETE /tenants/{id}")).toBe(204);
    expect(seen.get("DELETE /credentials/{id}")).toBe(204);
    expect(seen.get("GET /tenants/{id}")).toBe(200);
    expect(seen.get("GET /tenants/{id}/history.csv")).toBe(200);
  });
});
