import { describe, expect, it } from "vitest";
import { Directory } from "../src/graph/directory.js";
import { expectedCounts, expectedExtraCounts, expectedLinkCounts, expectedRoleLinkCounts } from "../src/graph/expected-changes.js";
import { memberWriteBlock } from "../src/graph/groupRules.js";
import { defaultSpec } from "../src/graph/spec.js";
import type { DirectorySpec, SimApp } from "../src/model.js";
import { newSecret } from "../src/registry.js";

const TENANT = { tenantId: "3f1c2a1e-0000-4000-8000-000000000001", domain: "contoso.example", displayName: "Contoso", verifiedDomains: ["contoso.example"] };

function dir(spec: Partial<DirectorySpec> = {}, apps: SimApp[] = []): Directory {
  return new Directory(defaultSpec({ users: 600, groups: 40, devices: 100, largeGroupMembers: 300, avgGroupMembers: 8, ...spec }), TENANT, apps);
}

const count = (it: Iterable<unknown>) => {
  let n = 0;
  for (const _ of it) n++;
  return n;
};

describe("Directory generation", () => {
  it("is a pure function of the seed", () => {
    const a = [...dir({ seed: 3 }).truth("users")].slice(0, 50);
    const b = [...dir({ seed: 3 }).truth("users")].slice(0, 50);
    const c = [...dir({ seed: 4 }).truth("users")].slice(0, 50);
    expect(b).toEqual(a);
    expect(c.map((u) => u.id)).not.toEqual(a.map((u) => u.id));
  });

  it("counts agree with the objects and links it serves", () => {
    const d = dir();
    const counts = d.counts();
    for (const type of ["users", "groups", "devices", "applications", "servicePrincipals", "directoryRoles", "subscribedSkus", "administrativeUnits"] as const) {
      expect(count(d.truth(type)), type).toBe(counts[type]);
    }
    expect(count(d.memberships())).toBe(counts.memberships);
    expect(new Set([...d.truth("users")].map((u) => u.id)).size).toBe(600);
  });

  it("finds every generated object by id, and nothing else", () => {
    const d = dir();
    for (const type of ["users", "groups", "devices", "servicePrincipals", "administrativeUnits", "subscribedSkus"] as const) {
      const objs = [...d.truth(type)];
      const probe = objs[objs.length - 1]!;
      expect(d.get(type, probe.id), type).toEqual(probe);
    }
    const user = [...d.truth("users")][5]!;
    expect(d.get("groups", user.id)).toBeUndefined();
    expect(d.get("users", "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("covers every kind of group, with one large group", () => {
    const d = dir({ groups: 60 });
    const groups = [...d.truth("groups")];
    const has = (f: (g: (typeof groups)[number]) => boolean) => groups.some(f);
    const types = (g: (typeof groups)[number]) => (Array.isArray(g.groupTypes) ? g.groupTypes : []);
    expect(has((g) => types(g).includes("Unified") && g.mailEnabled === true)).toBe(true);
    expect(has((g) => g.onPremisesSyncEnabled === true)).toBe(true);
    expect(has((g) => g.mailEnabled === true && g.securityEnabled === true && !types(g).includes("Unified"))).toBe(true);
    expect(has((g) => g.mailEnabled === true && g.securityEnabled === false && !types(g).includes("Unified"))).toBe(true);
    expect(has((g) => types(g).includes("DynamicMembership") && typeof g.membershipRule === "string")).toBe(true);
    expect(has((g) => g.isAssignableToRole === true)).toBe(true);
    expect(has((g) => g.securityEnabled === true && g.mailEnabled === false && memberWriteBlock(g) === null)).toBe(true);
    const sizes = groups.map((g) => count(d.membersOf(g.id)));
    expect(Math.max(...sizes)).toBe(300);
    expect(sizes.filter((s) => s === 300)).toHaveLength(1);
    const kinds = new Set(groups.flatMap((g) => [...d.membersOf(g.id)].map((m) => m.kind)));
    expect(kinds).toEqual(new Set(["user", "device", "group"]));
  });

  it("the demo spec has a large group over 1,200 members", () => {
    const d = new Directory(defaultSpec(), TENANT, []);
    const sizes = [...d.truth("groups")].map((g) => count(d.membersOf(g.id)));
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(1200);
  });

  it("generates realistic users: guests, missing mail, look-alike UPNs, licences", () => {
    const d = dir({ users: 2000 });
    const users = [...d.truth("users")];
    const guests = users.filter((u) => u.userType === "Guest");
    expect(guests.length / users.length).toBeGreaterThan(0.02);
    expect(guests.every((u) => (u.userPrincipalName as string).includes("#EXT#@"))).toBe(true);
    expect(users.filter((u) => u.mail === null).length).toBeGreaterThan(20);
    const upns = users.map((u) => (u.userPrincipalName as string).toLowerCase());
    expect(new Set(upns).size).toBe(users.length);
    expect(upns).toContain("adele.vance@contoso.example");
    expect(upns).toContain("adele.vance1@contoso.example");
    expect(users.some((u) => u.accountEnabled === false)).toBe(true);
    expect(users.some((u) => Array.isArray(u.assignedLicenses) && u.assignedLicenses.length > 0)).toBe(true);
  });

  it("shows fixed apps with live secrets, and service principals incl. managed identities", () => {
    const app: SimApp = {
      clientId: "aaaaaaaa-0000-4000-8000-000000000001",
      objectId: "aaaaaaaa-0000-4000-8000-000000000002",
      displayName: "Connector",
      secrets: [newSecret("s1", 30)],
      grantedPermissions: [],
    };
    const d = dir({ applications: 5, extraServicePrincipals: 6, managedIdentities: 2 }, [app]);
    expect(d.counts().applications).toBe(6);
    expect(d.counts().servicePrincipals).toBe(12);
    app.secrets.push(newSecret("s2", 60));
    const obj = d.applicationByAppId(app.clientId)!;
    expect(obj.id).toBe(app.objectId);
    expect(obj.passwordCredentials).toHaveLength(2);
    expect((obj.passwordCredentials as Array<Record<string, unknown>>)[1]).toMatchObject({ displayName: "s2", secretText: null });
    const sps = [...d.truth("servicePrincipals")];
    expect(sps.filter((s) => s.servicePrincipalType === "ManagedIdentity")).toHaveLength(2);
    expect(sps.some((s) => s.appId === app.clientId)).toBe(true);
  });
});

describe("Directory mutations", () => {
  it("are deterministic under a seed", () => {
    const a = dir().mutate(42, 150);
    const b = dir().mutate(42, 150);
    const c = dir().mutate(43, 150);
    expect(b).toEqual(a);
    expect(c.applied).not.toEqual(a.applied);
    const kinds = new Set(a.applied.map((x) => `${x.type}:${x.kind}`));
    for (const k of ["users:add", "users:update", "users:softDelete", "users:hardDelete", "memberships:memberAdd", "memberships:memberRemove", "groups:add", "devices:add"]) {
      expect(kinds, k).toContain(k);
    }
  });

  it("keep counts truthful and drop deleted users from every group", () => {
    const d = dir();
    const { applied, counts } = d.mutate(7, 300);
    expect(counts).toEqual(d.counts());
    expect(count(d.truth("users"))).toBe(counts.users);
    expect(count(d.memberships())).toBe(counts.memberships);
    // Users deleted (soft or hard) and not restored since.
    const last = new Map(applied.filter((x) => x.type === "users").map((x) => [x.id, x.kind]));
    const deleted = new Set([...last].filter(([, k]) => k === "softDelete" || k === "hardDelete").map(([id]) => id));
    expect(deleted.size).toBeGreaterThan(0);
    expect([...last.values()]).toContain("restore");
    for (const { member } of d.memberships()) expect(deleted.has(member.id)).toBe(false);
    for (const role of d.truth("directoryRoles")) for (const m of d.roleMembersOf(role.id)) expect(deleted.has(m.id)).toBe(false);
    // Cascaded link removals are reported.
    expect(applied.some((x) => x.cascade === true && x.kind === "memberRemove")).toBe(true);
  });

  it("only touches the members of cloud-only, assigned groups", () => {
    const d = dir();
    const { applied } = d.mutate(9, 300);
    const live = applied.filter((x) => x.type === "memberships" && !x.cascade && d.get("groups", x.groupId!));
    expect(live.length).toBeGreaterThan(20);
    for (const x of live) expect(memberWriteBlock(d.get("groups", x.groupId!)!)).toBeNull();
  });

  it("addMember and removeMember report whether anything changed", () => {
    const d = dir();
    const group = [...d.truth("groups")].find((g) => memberWriteBlock(g) === null && count(d.membersOf(g.id)) < 300)!;
    const members = new Set([...d.membersOf(group.id)].map((m) => m.id));
    const outsider = [...d.truth("users")].find((u) => !members.has(u.id))!;
    const before = d.counts().memberships;
    expect(d.addMember(group.id, outsider.id)).toBe(true);
    expect(d.addMember(group.id, outsider.id)).toBe(false);
    expect(d.counts().memberships).toBe(before + 1);
    expect([...d.membersOf(group.id)].some((m) => m.id === outsider.id)).toBe(true);
    expect(d.removeMember(group.id, outsider.id)).toBe(true);
    expect(d.removeMember(group.id, outsider.id)).toBe(false);
    const first = [...d.membersOf(group.id)][0]!;
    expect(d.removeMember(group.id, first.id)).toBe(true);
    expect(d.addMember(group.id, first.id)).toBe(true);
    expect(d.counts().memberships).toBe(before);
    expect(d.seq).toBe(4);
  });

  it("reports the final state of every link touched in a delta window", () => {
    const d = dir();
    const group = [...d.truth("groups")].find((g) => memberWriteBlock(g) === null && count(d.membersOf(g.id)) > 0)!;
    const first = [...d.membersOf(group.id)][0]!;
    const from = d.seq;
    d.removeMember(group.id, first.id);
    d.addMember(group.id, first.id);
    // A client may have seen the removal mid-round, so the re-add is reported.
    expect(d.changes("groups", from, d.seq).ids).toEqual([group.id]);
    expect(d.changes("groups", from, d.seq).members.get(group.id)).toEqual([{ member: first, removed: false }]);
    d.removeMember(group.id, first.id);
    const w = d.changes("groups", from, d.seq);
    expect(w.members.get(group.id)).toEqual([{ member: first, removed: true }]);
    expect(d.changes("groups", d.seq, d.seq).ids).toEqual([]);
  });
});

describe("Directory at scale", () => {
  it("streams a 200k-user tenant without holding it", () => {
    const d = dir({ users: 200_000, groups: 5000, largeGroupMembers: 1500 });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let n = 0;
    let peak = before;
    for (const u of d.truth("users")) {
      n++;
      if (u.id.length !== 36) throw new Error("bad id");
      if ((n & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    expect(n).toBe(200_000);
    expect(d.counts().users).toBe(200_000);
    // Holding 200k user objects would take hundreds of MB.
    expect(peak - before).toBeLessThan(80 * 1024 * 1024);
  }, 30_000);
});

describe("expected changes oracle", () => {
  // Regression: a user soft-deleted and restored in one batch was counted as changed, though it comes back as it was.
  it("counts a soft delete and restore in one batch as no change, and a restore of an earlier deletion as a change", () => {
    const u = (kind: string, id = "u1") => ({ type: "users", id, kind });
    expect(expectedCounts([u("softDelete"), u("restore")], "users")).toEqual({ changed: 0, deleted: 0 });
    expect(expectedCounts([u("update"), u("softDelete"), u("restore")], "users")).toEqual({ changed: 1, deleted: 0 });
    expect(expectedCounts([u("restore")], "users")).toEqual({ changed: 1, deleted: 0 });
    expect(expectedCounts([u("add"), u("softDelete")], "users")).toEqual({ changed: 0, deleted: 0 });
  });

  it("leaves out links added to a user who ends the batch soft-deleted; counts role links apart", () => {
    const add = (memberId: string) => ({ type: "memberships", id: "g", groupId: "g", memberId, kind: "memberAdd" });
    const applied = [add("u1"), add("u2"), { type: "users", id: "u2", kind: "softDelete" }, { type: "directoryRoles", id: "r", memberId: "u1", kind: "memberAdd" }];
    expect(expectedLinkCounts(applied)).toEqual({ changed: 1, deleted: 0 });
    expect(expectedRoleLinkCounts(applied)).toEqual({ changed: 1, deleted: 0 });
  });

  it("counts the new kinds' cascades: hidden and back in one batch is no change, a link per owner and a row per user's manager", () => {
    const ra = (kind: string, id = "a1") => ({ type: "roleAssignments", id, kind, cascade: true as const });
    expect(expectedExtraCounts([ra("softDelete"), ra("restore")], "roleAssignments")).toEqual({ changed: 0, deleted: 0, net: 0 });
    expect(expectedExtraCounts([ra("hardDelete"), ra("hardDelete", "a2")], "roleAssignments")).toEqual({ changed: 0, deleted: 2, net: -2 });
    // Hidden before the batch (its principal was soft-deleted earlier) and back with the restore.
    expect(expectedExtraCounts([ra("restore")], "roleAssignments")).toEqual({ changed: 1, deleted: 0, net: 1 });
    const owner = (kind: string, memberId: string) => ({ type: "owners", id: "g", memberId, kind });
    expect(expectedExtraCounts([owner("memberAdd", "u1"), owner("memberAdd", "u2"), owner("memberRemove", "u1"), owner("memberRemove", "u3")], "owners")).toEqual({ changed: 1, deleted: 1, net: 0 });
    const mgr = (kind: string, memberId: string) => ({ type: "managers", id: "u", memberId, kind });
    expect(expectedExtraCounts([mgr("update", "m1"), mgr("update", "m2")], "managers")).toEqual({ changed: 1, deleted: 0, net: 0 });
    expect(expectedExtraCounts([mgr("add", "m1"), mgr("hardDelete", "m1")], "managers")).toEqual({ changed: 0, deleted: 0, net: 0 });
  });
});
