import type { GraphObject, MemberKind } from "../types.js";
import type { GenContext } from "./context.js";
import type { IdCodec } from "./idCodec.js";
import { rngFor } from "./idCodec.js";
import { DEPARTMENTS, GROUP_TOPICS } from "./names.js";
import { pastDate, pick } from "./random.js";

export const GROUP_KINDS = [
  "security",
  "onPremSecurity",
  "m365",
  "mailSecurity",
  "distribution",
  "dynamic",
  "roleAssignable",
] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** The one large group is always group 0. */
export const LARGE_GROUP_INDEX = 0;

/** Share of each kind among ordinary groups (after the first few, which cover every kind). */
const KIND_WEIGHTS: ReadonlyArray<readonly [GroupKind, number]> = [
  ["security", 0.35],
  ["onPremSecurity", 0.2],
  ["m365", 0.2],
  ["mailSecurity", 0.05],
  ["distribution", 0.08],
  ["dynamic", 0.08],
  ["roleAssignable", 0.04],
];

const STRIDES = [1, 2, 3, 5, 7, 11];

/**
 * Base members of every generated group, as arithmetic progressions over
 * user (or device) indices: member k of group g is index
 * (start + k·stride) mod N, plus optionally one nested group. Typed arrays
 * keep a 25k-group plan small, and "which groups hold user u" is a scan of
 * the plan, never of the members.
 */
export class GroupPlan {
  readonly kinds: Uint8Array;
  /** 0: users, 1: devices. */
  readonly memberDevices: Uint8Array;
  readonly n: Int32Array;
  readonly start: Int32Array;
  readonly stride: Int32Array;
  /** Index of a nested member group, or -1. */
  readonly nested: Int32Array;
  readonly totalLinks: number;

  constructor(
    ctx: GenContext,
    codec: IdCodec,
    readonly users: number,
    readonly devices: number,
  ) {
    const g = ctx.spec.groups;
    this.kinds = new Uint8Array(g);
    this.memberDevices = new Uint8Array(g);
    this.n = new Int32Array(g);
    this.start = new Int32Array(g);
    this.stride = new Int32Array(g);
    this.nested = new Int32Array(g).fill(-1);
    let total = 0;
    for (let i = 0; i < g; i++) {
      const rand = rngFor(codec.id(i), 1);
      // The first groups cover every kind; group 7 holds devices, group 8 a nested group.
      const kind = i < GROUP_KINDS.length ? GROUP_KINDS[i]! : i <= GROUP_KINDS.length + 1 ? "security" : weighted(rand());
      this.kinds[i] = GROUP_KINDS.indexOf(kind);
      // Group 7 and a few security/dynamic ones hold devices.
      const deviceGroup =
        devices > 0 && (i === GROUP_KINDS.length || (i > GROUP_KINDS.length && (kind === "security" || kind === "dynamic") && rand() < 0.1));
      this.memberDevices[i] = deviceGroup ? 1 : 0;
      const pool = deviceGroup ? devices : users;
      let n: number;
      if (i === LARGE_GROUP_INDEX) n = Math.min(ctx.spec.largeGroupMembers, users);
      else n = Math.min(pool, Math.round(rand() * 2 * ctx.spec.avgGroupMembers));
      let stride = i === LARGE_GROUP_INDEX ? 1 : pick(rand, STRIDES);
      if (n * stride > pool) stride = 1;
      this.n[i] = n;
      this.start[i] = i === LARGE_GROUP_INDEX || pool === 0 ? 0 : Math.floor(rand() * pool);
      this.stride[i] = stride;
      // Nesting only where Entra allows it, and only of older groups, so there are no cycles.
      const nestable = kind === "security" || kind === "mailSecurity" || kind === "distribution";
      if (i === GROUP_KINDS.length + 1) this.nested[i] = 1;
      else if (nestable && i > 1 && rand() < 0.05) this.nested[i] = 1 + Math.floor(rand() * (i - 1));
      total += n + (this.nested[i]! >= 0 ? 1 : 0);
    }
    this.totalLinks = total;
  }

  get count(): number {
    return this.kinds.length;
  }

  kind(g: number): GroupKind {
    return GROUP_KINDS[this.kinds[g]!]!;
  }

  baseCount(g: number): number {
    return this.n[g]! + (this.nested[g]! >= 0 ? 1 : 0);
  }

  /** Member k of group g as (kind, index in its type). */
  memberAt(g: number, k: number): { kind: MemberKind; index: number } | undefined {
    const n = this.n[g]!;
    if (k < n) {
      const devicesHere = this.memberDevices[g] === 1;
      const pool = devicesHere ? this.devices : this.users;
      return { kind: devicesHere ? "device" : "user", index: (this.start[g]! + k * this.stride[g]!) % pool };
    }
    if (k === n && this.nested[g]! >= 0) return { kind: "group", index: this.nested[g]! };
    return undefined;
  }

  has(g: number, kind: MemberKind, index: number): boolean {
    if (kind === "group") return this.nested[g] === index;
    const devicesHere = this.memberDevices[g] === 1;
    if ((kind === "device") !== devicesHere) return false;
    const pool = devicesHere ? this.devices : this.users;
    const d = (((index - this.start[g]!) % pool) + pool) % pool;
    return d % this.stride[g]! === 0 && d / this.stride[g]! < this.n[g]!;
  }

  /** Indices of the generated groups that hold a member in their base members. */
  *groupsHolding(kind: MemberKind, index: number): Generator<number> {
    for (let g = 0; g < this.kinds.length; g++) if (this.has(g, kind, index)) yield g;
  }
}

function weighted(u: number): GroupKind {
  let acc = 0;
  for (const [kind, w] of KIND_WEIGHTS) {
    acc += w;
    if (u < acc) return kind;
  }
  return "security";
}

/** Group number n with the given kind; `devices` marks device groups (for dynamic rules). */
export function buildGroup(ctx: GenContext, n: number, id: string, kind: GroupKind, devices: boolean): GraphObject {
  const rand = rngFor(id);
  const large = n === LARGE_GROUP_INDEX;
  const topic = large ? "All Employees" : `${pick(rand, GROUP_TOPICS)} ${n}`;
  const nick = topic.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const mailEnabled = kind === "m365" || kind === "mailSecurity" || kind === "distribution";
  const dept = pick(rand, DEPARTMENTS);
  const groupTypes = kind === "m365" ? ["Unified"] : kind === "dynamic" ? ["DynamicMembership"] : [];
  return {
    id,
    displayName: kind === "distribution" ? `DL ${topic}` : kind === "roleAssignable" ? `Admins ${topic}` : topic,
    description: `${topic} (${kind === "m365" ? "Microsoft 365" : kind})`,
    mail: mailEnabled ? `${nick}@${ctx.tenant.domain}` : null,
    mailNickname: nick,
    mailEnabled,
    securityEnabled: kind !== "m365" && kind !== "distribution",
    groupTypes,
    membershipRule:
      kind === "dynamic" ? (devices ? '(device.deviceOSType -eq "Windows")' : `(user.department -eq "${dept}")`) : null,
    membershipRuleProcessingState: kind === "dynamic" ? "On" : null,
    onPremisesSyncEnabled: kind === "onPremSecurity" ? true : null,
    isAssignableToRole: kind === "roleAssignable",
    createdDateTime: pastDate(rand),
    visibility: kind === "m365" ? (rand() < 0.7 ? "Private" : "Public") : null,
  };
}
