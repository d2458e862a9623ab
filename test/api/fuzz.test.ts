import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_BODY_BYTES, noQuery } from "../../src/api/parse.js";
import type { Route } from "../../src/api/route.js";
import { routes } from "../../src/api/routes.js";
import { CLOUDS } from "../../src/config/clouds.js";
import { SYNCED_TYPES } from "../../src/domain/synced.js";
import { startApi, type TestApi } from "../support/api.js";
import { createSimTenant, type CreatedTenant } from "../support/sim.js";
import { ABSENT_TARGETS } from "../provisioning/support.js";
import { addTenant, expectErrorShape, fillPath, inAYear, snapshotRows, syncAndWait, type AddedTenant, type Json } from "./helpers.js";

/**
 * Property-based fuzz of the portal API (issue 5): generated bad bodies,
 * queries and path parameters over every write route (and bad queries on
 * every read route). Every input breaks at least one rule of its route, by
 * construction, and the route's own zod schema is asked to confirm that it
 * does; then the API must answer 4xx with the error shape, never 5xx, and no
 * table row may change.
 */

const key = (r: Pick<Route, "method" | "path">) => `${r.method} /${r.path}`;

// ---------------------------------------------------------------- generic values

type Kind = "null" | "boolean" | "number" | "string" | "array" | "object";
const kindOf = (v: unknown): Kind => (v === null ? "null" : Array.isArray(v) ? "array" : (typeof v as Kind));

const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
/** Any JSON value whose type is none of `ok`. */
const notOf = (...ok: Kind[]): fc.Arbitrary<Json> => anyJson.filter((v) => !ok.includes(kindOf(v)));
/** A string longer than `max` (UTF-16 units, as zod counts), made of one repeated character. */
const tooLong = (max: number, extra = 3000): fc.Arbitrary<string> =>
  fc.tuple(fc.integer({ min: max + 1, max: max + extra }), fc.constantFrom("x", "é", "\u0000", "😀", " ")).map(([n, c]) => c.repeat(n));
/** Printable ASCII or any code points; never a lone surrogate (which no URL or UTF-8 body can carry). */
const anyString = fc.oneof(fc.string(), fc.string({ unit: "binary", maxLength: 40 })).filter((s) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s));

const uuidSchema = z.uuid();
const expirySchema = z.iso.datetime({ offset: true }).or(z.iso.date());

const guid = fc.uuid({ version: 4 });
const badGuid = fc.oneof(
  notOf("string"),
  anyString.filter((s) => !uuidSchema.safeParse(s).success),
  guid.map((u) => u.slice(1)),
  guid.map((u) => `${u}0`),
  guid.map((u) => u.replace(/-/g, "")),
  guid.map((u) => `{${u}}`),
  guid.map((u) => `${u.slice(0, -1)}g`),
);
const validExpiry = fc.constantFrom(inAYear(), "2031-01-01", "2031-06-30T12:00:00+02:00");
const badExpiry = fc.oneof(
  notOf("string"),
  fc.constantFrom("", "tomorrow", "2031-13-01", "2031-01-32", "2031-02-30", "2031/01/01", "01-01-2031", "2031-1-1", "2031-01-01T25:00:00Z", "2031-01-01 10:00:00", "2031-01-01T10:00:00", "2031-01-01T10:00Z"),
  anyString.filter((s) => !expirySchema.safeParse(s).success),
);
const validName = fc.string({ minLength: 1, maxLength: 40 });
const badName = (max: number) => fc.oneof(notOf("string"), fc.constant(""), tooLong(max));
const badSecret = fc.oneof(notOf("string"), fc.constant(""), tooLong(1024));
const badTenant = fc.oneof(
  notOf("string"),
  fc.constant(""),
  tooLong(253).map((s) => s.replace(/[^a]/g, "a")),
  fc.tuple(fc.stringMatching(/^[a-z0-9.-]{0,20}$/), fc.constantFrom(" ", "/", "_", "@", "é", "\u0000", "{", "%", "?", "#", "\n"), fc.string({ maxLength: 10 })).map(([a, b, c]) => a + b + c),
);
const badCloud = fc.oneof(
  notOf("string"),
  fc.constantFrom("Global", "GLOBAL", " global", "global ", "azure", "usgovhigh", "germany", ""),
  anyString.filter((s) => !(CLOUDS as readonly string[]).includes(s)),
);
const validObjectTypes = fc.subarray([...SYNCED_TYPES], { minLength: 1 });
const badObjectTypes: fc.Arbitrary<Json> = fc.oneof<fc.Arbitrary<Json>[]>(
  notOf("array"),
  fc.constant<Json>([]),
  fc.tuple(validObjectTypes, fc.oneof(anyString.filter((s) => !(SYNCED_TYPES as readonly string[]).includes(s)), notOf("string"))).map(([ok, bad]) => [...ok, bad]),
);
const validSchedule = fc.constantFrom<Json>({ kind: "none" }, { kind: "interval", minutes: 60 }, { kind: "daily", time: "02:00", timeZone: "Europe/Berlin" }, { kind: "weekly", days: ["mon", "fri"], time: "23:59" });
const badSchedule = fc.oneof(
  notOf("object"),
  fc.constantFrom<Json>(
    {},
    { kind: "bogus" },
    { kind: "interval", minutes: 4 },
    { kind: "interval", minutes: 60.5 },
    { kind: "interval", minutes: 10_081 },
    { kind: "interval", minutes: "60" },
    { kind: "hourly", everyHours: 0, startTime: "00:00" },
    { kind: "daily", time: "24:00" },
    { kind: "daily", time: "2:00" },
    { kind: "daily", time: "02:00", timeZone: "Mars/Olympus" },
    { kind: "weekly", days: [], time: "01:00" },
    { kind: "weekly", days: ["mon", "mon"], time: "01:00" },
    { kind: "weekly", days: ["monday"], time: "01:00" },
    { kind: "monthly", days: [0], time: "01:00" },
    { kind: "monthly", days: [1, 2, 3], time: "01:00" },
    { kind: "none", extra: 1 },
  ),
);
const validFilters = fc.constantFrom<Json>({}, { groups: { namePrefixes: ["Sales"] } }, { users: { attributes: [{ attribute: "department", op: "equals", value: "IT" }] } });
const badFilters = fc.oneof(
  notOf("object"),
  fc.constantFrom<Json>(
    { x: 1 },
    { users: { memberOfGroupIds: ["nope"] } },
    { users: { attributes: [{ attribute: "salary", op: "equals", value: "1" }] } },
    { users: { attributes: [{ attribute: "mail", op: "contains", value: "x" }] } },
    { users: { attributes: [{ attribute: "mail", op: "equals", value: "" }] } },
    { groups: { namePrefixes: [""] } },
    { groups: { ids: [1] } },
    { groups: { excludeOnPremSynced: "yes" } },
    { users: [] },
  ),
);
const validThreshold = fc.oneof(fc.constant<Json>(null), fc.nat().map((count) => ({ count })), fc.integer({ min: 0, max: 100 }).map((percent) => ({ percent })));
const badThreshold = fc.oneof(
  notOf("object", "null"),
  fc.constantFrom<Json>({}, { count: -1 }, { count: 1.5 }, { percent: 101 }, { percent: -1 }, { count: "5" }, { count: 1, extra: 1 }),
);
const badEndpoints = (nullable: boolean) =>
  fc.oneof(
    nullable ? notOf("object", "null") : notOf("object"),
    fc.constantFrom<Json>(
      { authorityHost: "http://login.example.com" },
      { authorityHost: "not a url" },
      { graphBaseUrl: 5 },
      { other: "https://x.example.com" },
      { authorityHost: `https://${"a".repeat(600)}.example.com` },
      { graphBaseUrl: "ftp://graph.example.com" },
    ),
  );
const badBoolean = notOf("boolean");

// ---------------------------------------------------------------- route shapes

interface Field {
  /** How a valid value looks (absent: the field may never be given, e.g. immutable ones). */
  readonly valid?: fc.Arbitrary<Json>;
  readonly invalid: fc.Arbitrary<Json>;
  readonly required?: boolean;
}
type Shape = Readonly<Record<string, Field>>;

/** A generated input and why it is invalid. */
interface Input {
  readonly why: string;
  /** Sent as is (bytes or text); undefined: no body. */
  readonly raw: string | Uint8Array | undefined;
}

const asInput = (why: string, value: unknown): Input => ({ why, raw: JSON.stringify(value) });

describe("portal API: property-based fuzz of bad input", () => {
  let api: TestApi;
  let t: AddedTenant;
  let spare: CreatedTenant;
  let credentialId: string;
  let groupId: string;
  let memberId: string;
  let before: string[];
  let requests = 0;
  const tally = new Map<string, number>();

  const credentialShape = (): Shape => ({
    clientId: { valid: fc.constant(spare.apps[0]!.clientId), invalid: badGuid, required: true },
    clientSecret: { valid: fc.constant(spare.apps[0]!.clientSecrets[0]!), invalid: badSecret, required: true },
    secretExpiresOn: { valid: validExpiry, invalid: badExpiry, required: true },
  });

  const badCredential = (): fc.Arbitrary<Json> =>
    fc.oneof(
      notOf("object"),
      fc.constant<Json>({}),
      invalidObject(credentialShape()).map((i) => JSON.parse(i.raw as string) as Json),
      fc.constant<Json>({ credentialId: "" }),
      tooLong(64).map((credentialId) => ({ credentialId })),
      notOf("string").map((credentialId) => ({ credentialId })),
      fc.constant<Json>({ credentialId, extra: true }),
      // Both variants at once: neither strict object accepts it.
      fc.constant<Json>({ credentialId, clientId: spare.apps[0]!.clientId, clientSecret: "s", secretExpiresOn: inAYear() }),
    );
  const validCredential = (): fc.Arbitrary<Json> =>
    fc.oneof(fc.constant<Json>({ credentialId }), fc.constant<Json>({ clientId: spare.apps[0]!.clientId, clientSecret: spare.apps[0]!.clientSecrets[0]!, secretExpiresOn: inAYear() }));

  /** Shapes of the routes with a body, by what issue 5 and the schemas say. */
  const shapes = (): Record<string, Shape> => ({
    "POST /tenants": {
      tenant: { valid: fc.constantFrom(spare.tenantId, spare.domain), invalid: badTenant, required: true },
      cloud: { valid: fc.constant("global"), invalid: badCloud, required: true },
      credential: { valid: validCredential(), invalid: badCredential(), required: true },
      displayName: { valid: validName, invalid: badName(256) },
      objectTypes: { valid: validObjectTypes, invalid: badObjectTypes },
      schedule: { valid: validSchedule, invalid: badSchedule },
      filters: { valid: validFilters, invalid: badFilters },
      enabled: { valid: fc.boolean(), invalid: badBoolean },
      deletionThreshold: { valid: validThreshold, invalid: badThreshold },
      endpoints: { invalid: badEndpoints(false) },
    },
    "PATCH /tenants/{id}": {
      tenant: { invalid: anyJson },
      cloud: { invalid: anyJson },
      id: { invalid: anyJson },
      displayName: { valid: validName, invalid: badName(256) },
      enabled: { valid: fc.boolean(), invalid: badBoolean },
      objectTypes: { valid: validObjectTypes, invalid: badObjectTypes },
      schedule: { valid: validSchedule, invalid: badSchedule },
      filters: { valid: validFilters, invalid: badFilters },
      deletionThreshold: { valid: validThreshold, invalid: badThreshold },
      endpoints: { valid: fc.constant(null), invalid: badEndpoints(true) },
      fullScanNextRun: { valid: fc.boolean(), invalid: badBoolean },
      credential: { valid: validCredential(), invalid: badCredential() },
    },
    "POST /credentials": {
      name: { valid: validName, invalid: badName(256), required: true },
      ...credentialShape(),
    },
    "PATCH /credentials/{id}": {
      name: { valid: validName, invalid: badName(256) },
      clientId: { invalid: anyJson },
      clientSecret: { invalid: badSecret },
      secretExpiresOn: { invalid: badExpiry },
    },
    "POST /connections/test": {
      tenant: { valid: fc.constantFrom(t.id, t.sim.domain), invalid: badTenant, required: true },
      cloud: { valid: fc.constant("global"), invalid: badCloud, required: true },
      clientId: { valid: fc.constant(t.clientId), invalid: badGuid, required: true },
      clientSecret: { valid: fc.constant(t.secret), invalid: badSecret, required: true },
      endpoints: { invalid: badEndpoints(false) },
    },
  });

  /** Extra ways to break a body that only some routes have (cross-field rules). */
  const extraBreakers = (): Record<string, Array<fc.Arbitrary<(b: Record<string, Json>) => Record<string, Json>>>> => ({
    // A new secret needs its expiry and the other way round.
    "PATCH /credentials/{id}": [
      fc.string({ minLength: 1, maxLength: 50 }).map((s) => (b) => {
        const { secretExpiresOn: _drop, ...rest } = b;
        return { ...rest, clientSecret: s };
      }),
      validExpiry.map((e) => (b) => {
        const { clientSecret: _drop, ...rest } = b;
        return { ...rest, secretExpiresOn: e };
      }),
    ],
  });

  /** An object body that breaks at least one rule of `shape`: 1 to 3 breakers applied to a plausible body. */
  function invalidObject(shape: Shape, extra: Array<fc.Arbitrary<(b: Record<string, Json>) => Record<string, Json>>> = []): fc.Arbitrary<Input> {
    const names = Object.keys(shape);
    const known = new Set(names);
    const validFields = Object.fromEntries(names.flatMap((n) => (shape[n]!.valid ? [[n, shape[n]!.valid]] : [])));
    const required = names.filter((n) => shape[n]!.required);
    const base = fc.record(validFields, { requiredKeys: required.filter((n) => n in validFields) }) as fc.Arbitrary<Record<string, Json>>;
    type Breaker = fc.Arbitrary<[string, (b: Record<string, Json>) => Record<string, Json>]>;
    const breakers: Breaker[] = [
      fc
        .tuple(
          fc.oneof(
            fc.string({ minLength: 0, maxLength: 20 }),
            fc.constantFrom("__proto__", "constructor", "toString", "Tenant", "CLOUD", "credentialID", "clientsecret", "displayname", "tenant ", "$schema"),
          ).filter((k) => !known.has(k)),
          anyJson,
        )
        .map(([k, v]): [string, (b: Record<string, Json>) => Record<string, Json>] => [`unknown field ${JSON.stringify(k)}`, (b) => ({ ...b, [k]: v })]),
      ...extra.map((e) => e.map((f): [string, (b: Record<string, Json>) => Record<string, Json>] => ["cross-field rule", f])),
    ];
    if (names.length) {
      breakers.push(
        fc.constantFrom(...names).chain((n) => shape[n]!.invalid.map((v): [string, (b: Record<string, Json>) => Record<string, Json>] => [`bad ${n}`, (b) => ({ ...b, [n]: v })])),
      );
    }
    if (required.length) {
      breakers.push(
        fc.constantFrom(...required).map((n): [string, (b: Record<string, Json>) => Record<string, Json>] => [
          `missing ${n}`,
          (b) => {
            const { [n]: _drop, ...rest } = b;
            return rest;
          },
        ]),
      );
    }
    return fc.tuple(base, fc.array(fc.oneof(...breakers), { minLength: 1, maxLength: 3 })).map(([b, bs]) =>
      asInput(bs.map(([why]) => why).join(", "), bs.reduce((acc, [, f]) => f(acc), b)),
    );
  }

  /** Bodies no route with a schema accepts: not JSON, not an object, nested deeply, or empty. */
  const notAnObjectBody: fc.Arbitrary<Input> = fc.oneof(
    fc.oneof(fc.constant(null), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), anyString, fc.array(anyJson, { maxLength: 5 })).map((v) => asInput(`not an object: ${kindOf(v)}`, v)),
    fc
      .oneof(
        fc.constantFrom("{", '{"a":}', "[1,]", "{'a':1}", "undefined", "NaN", '{"a":1}}', "\u0000", '{"tenant": "x",}', "tru", "  ", "\n", "{}{}", '{"a":"\\x"}', "//", "0x10"),
        anyString.filter((s) => {
          try {
            JSON.parse(s);
            return false;
          } catch {
            return s.length > 0;
          }
        }),
      )
      .map((raw): Input => ({ why: "invalid JSON", raw })),
    fc.constantFrom(new Uint8Array([0x7b, 0xff, 0x7d]), new Uint8Array([0xc3, 0x28]), new Uint8Array([0xef, 0xbb, 0xbf, 0x5b, 0x5d])).map((raw): Input => ({ why: "not UTF-8 JSON (or a BOM and an array)", raw })),
    fc.integer({ min: 200, max: 9000 }).chain((depth) =>
      fc.constantFrom<Input>(
        { why: `array nested ${depth} deep`, raw: `${"[".repeat(depth)}${"]".repeat(depth)}` },
        { why: `object nested ${depth} deep`, raw: `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` },
      ),
    ),
    fc.constant<Input>({ why: "no body", raw: undefined }),
  );

  /** Objects with one field nested deeply or carrying a huge (but under 64 KiB) string; written as text (JS recursion never sees the depth). */
  const heavyField = (shape: Shape): fc.Arbitrary<Input> => {
    const names = Object.keys(shape);
    return fc.tuple(
      fc.constantFrom(...names, "zzUnknown"),
      fc.oneof(
        fc.integer({ min: 100, max: 5000 }).map((d) => ({ what: `nested ${d} deep`, raw: `${'{"a":'.repeat(d)}1${"}".repeat(d)}` })),
        fc.integer({ min: 5000, max: 60_000 }).map((n) => ({ what: `a string of ${n} chars`, raw: JSON.stringify("s".repeat(n)) })),
      ),
    ).map(([name, v]): Input => ({ why: `${name}: ${v.what}`, raw: `{${JSON.stringify(name)}:${v.raw}}` }));
  };

  const bodyRoutes = () => routes.filter((r) => r.body);
  const noBodyWrites = () => routes.filter((r) => !r.body && r.method !== "GET" && r.method !== "DELETE");

  function pathOf(r: Route, id?: string): string {
    const own = r.path.startsWith("credentials/") ? credentialId : t.id;
    return fillPath(r.path, { id: id ?? own, type: "users", groupId, memberId, objectId: memberId, ...ABSENT_TARGETS });
  }

  /** A body the route would accept, for the inputs that are invalid by their query or path instead. */
  function validBodyOf(r: Route): unknown {
    const app = spare.apps[0]!;
    switch (key(r)) {
      case "POST /tenants":
        return { tenant: spare.tenantId, cloud: "global", credential: { clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() } };
      case "PATCH /tenants/{id}":
        return { displayName: "fuzzed", fullScanNextRun: true };
      case "POST /credentials":
        return { name: "fuzzed", clientId: app.clientId, clientSecret: app.clientSecrets[0], secretExpiresOn: inAYear() };
      case "PATCH /credentials/{id}":
        return { name: "fuzzed" };
      case "POST /connections/test":
        return { tenant: t.id, cloud: "global", clientId: t.clientId, clientSecret: t.secret };
      default:
        return undefined;
    }
  }

  async function send(method: string, path: string, o: { raw?: string | Uint8Array | ReadableStream<Uint8Array> | undefined; query?: ReadonlyArray<readonly [string, string]>; headers?: Record<string, string> } = {}) {
    const qs = o.query && o.query.length ? `?${new URLSearchParams(o.query as Array<[string, string]>).toString()}` : "";
    const init: RequestInit & { duplex?: "half" } = { method, headers: { "x-functions-key": api.functionKey, authorization: `Bearer ${api.admin}`, "content-type": "application/json", ...o.headers } };
    if (o.raw !== undefined) {
      init.body = o.raw as RequestInit["body"];
      if (o.raw instanceof ReadableStream) init.duplex = "half";
    }
    const res = await fetch(`${api.baseUrl}${path}${qs}`, init);
    requests++;
    return { status: res.status, text: await res.text() };
  }

  /** The answer to a bad input: 4xx with the error shape, never 5xx (nor a success). */
  function expectRefused(r: { status: number; text: string }, context: string, want?: number): string {
    if (r.status >= 500) throw new Error(`5xx for bad input: ${context} → ${r.status} ${r.text.slice(0, 300)}`);
    if (r.status < 400) throw new Error(`bad input accepted: ${context} → ${r.status} ${r.text.slice(0, 300)}`);
    if (want !== undefined && r.status !== want) throw new Error(`${context} → ${r.status}, expected ${want}: ${r.text.slice(0, 300)}`);
    return expectErrorShape(r.status, r.text, context).code;
  }

  /** The generator's claim (this input is invalid) checked against the route's own schema. */
  function confirmInvalid(schema: z.ZodType, raw: string | Uint8Array | undefined, context: string): void {
    let value: unknown;
    if (raw === undefined) value = undefined;
    else {
      try {
        value = JSON.parse(typeof raw === "string" ? raw : new TextDecoder("utf-8", { fatal: true }).decode(raw));
      } catch {
        return; // not JSON at all
      }
    }
    if (schema.safeParse(value).success) throw new Error(`the route's schema accepts an input the fuzz generated as invalid (${context}): ${String(typeof raw === "string" ? raw.slice(0, 300) : raw)}`);
  }

  const count = (what: string) => tally.set(what, (tally.get(what) ?? 0) + 1);

  beforeAll(async () => {
    api = await startApi();
    [t, spare] = await Promise.all([addTenant(api, { spec: { users: 30, groups: 5 } }), createSimTenant({ spec: { users: 10, groups: 2 } })]);
    const res = await api.call("POST", "/credentials", { body: { name: "fuzz profile", clientId: t.clientId, clientSecret: t.secret, secretExpiresOn: inAYear() } });
    expect(res.status).toBe(201);
    credentialId = ((await res.json()) as { id: string }).id;
    await syncAndWait(api, t.id);
    const members = (await (await api.call("GET", `/tenants/${t.id}/objects/memberships?pageSize=1`)).json()) as { items: Array<{ groupId: string; memberId: string }> };
    groupId = members.items[0]!.groupId;
    memberId = members.items[0]!.memberId;
    before = await snapshotRows(api);
    expect(before.length).toBeGreaterThan(50);
  });

  afterAll(async () => api?.stop());

  it("refuses invalid bodies on every route with a body schema with 400", async () => {
    const sh = shapes();
    const extra = extraBreakers();
    const targets = bodyRoutes();
    expect(targets.map(key).sort()).toEqual(expect.arrayContaining(Object.keys(sh).sort()));
    const perRoute = targets.map((r) => {
      const shape = sh[key(r)] ?? {};
      return fc.tuple(fc.constant(r), fc.oneof({ weight: 6, arbitrary: invalidObject(shape, extra[key(r)] ?? []) }, { weight: 2, arbitrary: notAnObjectBody }, { weight: 1, arbitrary: heavyField(shape) }));
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(...perRoute), async ([r, input]) => {
        const context = `${key(r)} with ${input.why}`;
        confirmInvalid(r.body!, input.raw, context);
        const res = await send(r.method, pathOf(r), { raw: input.raw });
        const code = expectRefused(res, context, 400);
        count(`${key(r)}: ${code}`);
      }),
      { numRuns: 600 },
    );
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("refuses any body on the write routes that take none", async () => {
    const targets = noBodyWrites();
    expect(targets.map(key)).toEqual(expect.arrayContaining(["POST /tenants/{id}/sync", "POST /tenants/{id}/test", "POST /tenants/{id}/preview", "POST /tenants/{id}/deletions/approve", "POST /tenants/{id}/deletions/reject"]));
    const nonEmptyObject = fc.dictionary(fc.string({ minLength: 0, maxLength: 12 }), anyJson, { minKeys: 1, maxKeys: 4 }).map((o) => asInput("an object with fields", o));
    const body = fc.oneof(nonEmptyObject, notAnObjectBody.filter((i) => i.raw !== undefined));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), body, async (r, input) => {
        const context = `${key(r)} with ${input.why}`;
        confirmInvalid(noQuery.optional(), input.raw, context);
        const code = expectRefused(await send(r.method, pathOf(r), { raw: input.raw }), context, 400);
        count(`${key(r)}: ${code}`);
      }),
      { numRuns: 150 },
    );
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("refuses bad queries on every route (reads and writes), with otherwise valid requests", async () => {
    const pageSizePool = fc.oneof(
      fc.constantFrom("0", "-1", "abc", "1.5", "", " ", "NaN", "Infinity", "-Infinity", "1001", "51", "99", "101", "1e9", "0x", "١٠٠", "50abc", "+", "50,100", "10000"),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
      anyString,
    );
    const typePool = fc.oneof(fc.constantFrom("", "users1", "a b", "x".repeat(65), "ü", "users;drop", "USERS ", "memberships"), anyString);
    /** Token text no route issued: either undecodable, or a decodable object of no cursor's shape. */
    const garbageToken = fc.oneof(
      anyString.filter((s) => {
        try {
          const v: unknown = JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
          return typeof v !== "object" || v === null || Array.isArray(v);
        } catch {
          return true;
        }
      }),
      fc.constantFrom<Json>({}, { after: 5, b: -1, t: -1, skip: "x" }, { after: null, b: "0", t: 1.5, skip: -1 }, [], "after").map((v) => Buffer.from(JSON.stringify(v)).toString("base64url")),
    );

    type Query = { why: string; pairs: Array<[string, string]>; schemaDecides: boolean };
    const badQuery = (r: Route): fc.Arbitrary<Query> => {
      const schema = r.query ?? noQuery;
      const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      const known = Object.keys(shape);
      const rejects = (k: string) => (v: string) => !schema.safeParse({ [k]: v }).success;
      const options: Array<fc.Arbitrary<Query>> = [
        fc
          .tuple(anyString.filter((k) => !known.includes(k)), anyString)
          .map(([k, v]) => ({ why: `unknown parameter ${JSON.stringify(k)}`, pairs: [[k, v]], schemaDecides: true })),
        fc.tuple(fc.constantFrom(...(known.length ? known : ["pageSize"])), anyString, anyString).map(([k, a, b]) => ({ why: `${k} given twice`, pairs: [[k, a], [k, b]], schemaDecides: false })),
      ];
      if (known.includes("pageSize")) options.push(pageSizePool.filter(rejects("pageSize")).map((v) => ({ why: `pageSize=${JSON.stringify(v)}`, pairs: [["pageSize", v]], schemaDecides: true })));
      if (known.includes("search")) options.push(fc.oneof(fc.constant(""), tooLong(256, 500)).map((v) => ({ why: `search of ${v.length} chars`, pairs: [["search", v]], schemaDecides: true })));
      if (known.includes("type")) options.push(typePool.filter(rejects("type")).map((v) => ({ why: `type=${JSON.stringify(v.slice(0, 20))}`, pairs: [["type", v]], schemaDecides: true })));
      if (known.includes("continuationToken")) {
        options.push(fc.integer({ min: 2049, max: 4400 }).map((n) => "t".repeat(n)).filter(rejects("continuationToken")).map((v) => ({ why: `continuationToken of ${v.length} chars`, pairs: [["continuationToken", v]], schemaDecides: true })));
        options.push(garbageToken.map((v) => ({ why: `garbage continuationToken ${JSON.stringify(v.slice(0, 30))}`, pairs: [["continuationToken", v]], schemaDecides: false })));
      }
      // Sometimes a valid parameter rides along with the bad one.
      return fc.tuple(fc.oneof(...options), fc.option(fc.constantFrom<[string, string]>(["pageSize", "100"]), { nil: undefined })).map(([q, extra]) =>
        extra && known.includes("pageSize") && !q.pairs.some(([k]) => k === "pageSize") && schema.safeParse({ pageSize: "100" }).success ? { ...q, pairs: [extra, ...q.pairs] } : q,
      );
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes).chain((r) => fc.tuple(fc.constant(r), badQuery(r))),
        async ([r, q]) => {
          const context = `${key(r)}?${q.why}`;
          const schema = r.query ?? noQuery;
          if (q.schemaDecides && schema.safeParse(Object.fromEntries(q.pairs)).success) throw new Error(`the route's query schema accepts a query the fuzz generated as invalid (${context})`);
          const body = validBodyOf(r);
          const res = await send(r.method, pathOf(r), { query: q.pairs, ...(body !== undefined ? { raw: JSON.stringify(body) } : {}) });
          // A token of the wrong shape is found out by the handler, which may answer 404 first (no preview, say).
          const code = expectRefused(res, context, q.schemaDecides || q.why.endsWith("given twice") ? 400 : undefined);
          count(`query ${key(r)}: ${code}`);
        },
      ),
      { numRuns: 400 },
    );
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("answers unknown or malformed IDs in the path with 4xx, even with a valid body", async () => {
    const targets = routes.filter((r) => r.path.includes("{id}"));
    const junkId = fc.oneof(
      guid.filter((g) => g !== t.id && g !== credentialId),
      // No "/": IDs with one have their own deterministic test below (each such call takes seconds of storage retries).
      anyString.filter((s) => s.length > 0 && s !== "." && s !== ".." && !s.includes("/") && s.toLowerCase() !== t.id && s !== credentialId),
      fc.constantFrom("00000000-0000-0000-0000-000000000000", "null", "undefined", "%", "~", "tenant", " ", "%2e%2e", `${"a".repeat(2000)}`, "a#b", "a?b", "\\", "\u0001"),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), junkId, async (r, id) => {
        const body = validBodyOf(r);
        const path = pathOf(r, id);
        const context = `${r.method} ${path.slice(0, 120)}`;
        const code = expectRefused(await send(r.method, path, body !== undefined ? { raw: JSON.stringify(body) } : {}), context);
        count(`path ${key(r)}: ${code}`);
      }),
      { numRuns: 150 },
    );
    // And bad {type} / {groupId} on the reads that have them.
    const reads = routes.filter((r) => r.method === "GET" && (r.path.includes("{type}") || r.path.includes("{groupId}") || r.path.includes("{objectId}")));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reads), fc.oneof(anyString.filter((s) => s.length > 0 && s !== "." && s !== ".."), guid), async (r, junk) => {
        const path = fillPath(r.path, { id: t.id, type: (SYNCED_TYPES as readonly string[]).includes(junk) || junk === "memberships" ? `${junk}x` : junk, groupId: junk === groupId ? `${junk}x` : junk, memberId, objectId: junk === memberId ? `${junk}x` : junk });
        const code = expectRefused(await send(r.method, path), `${r.method} ${path.slice(0, 120)}`);
        count(`path ${key(r)}: ${code}`);
      }),
      { numRuns: 60 },
    );
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("refuses bodies over 64 KiB with 413 on every route that reads a body, declared or streamed", async () => {
    const targets = routes.filter((r) => r.method === "POST" || r.method === "PATCH" || r.method === "PUT");
    const size = fc.oneof(fc.constantFrom(MAX_BODY_BYTES + 1, MAX_BODY_BYTES + 2, 70_000, 1 << 20), fc.integer({ min: MAX_BODY_BYTES + 1, max: 300_000 }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), size, fc.boolean(), fc.boolean(), async (r, n, looksValid, streamed) => {
        // Either a JSON object whose one string makes it too big, or plain filler.
        const text = looksValid ? JSON.stringify({ ...(validBodyOf(r) as object | undefined), displayName: "d".repeat(n) }) : "z".repeat(n);
        const bytes = new TextEncoder().encode(text);
        const raw = streamed
          ? new ReadableStream<Uint8Array>({
              start(c) {
                for (let i = 0; i < bytes.length; i += 16_384) c.enqueue(bytes.subarray(i, i + 16_384));
                c.close();
              },
            })
          : text;
        const code = expectRefused(await send(r.method, pathOf(r), { raw }), `${key(r)} with ${bytes.length} bytes${streamed ? " (chunked)" : ""}`, 413);
        count(`413 ${key(r)}: ${code}`);
      }),
      { numRuns: 40 },
    );
    // Just under the limit is read (and refused for what it says, not its size).
    const r = routes.find((x) => key(x) === "PATCH /tenants/{id}")!;
    const under = JSON.stringify({ displayName: "d".repeat(MAX_BODY_BYTES - 20) });
    expect(Buffer.byteLength(under)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expectRefused(await send(r.method, pathOf(r), { raw: under }), "PATCH just under 64 KiB", 400);
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("sent at least 1,000 generated bad inputs, and not one table row changed", async () => {
    expect(requests).toBeGreaterThanOrEqual(1000);
    // Spread over every write route, not piled on one.
    for (const r of routes.filter((x) => x.method !== "GET")) expect([...tally.keys()].some((k) => k.includes(key(r))), key(r)).toBe(true);
    // The secrets in Key Vault were not touched either.
    const profile = (await api.services.credentials.get(credentialId))!;
    const secret = await api.services.secrets.get(profile.value.secretName);
    expect(secret?.value).toBe(t.secret);
    expect(await snapshotRows(api)).toEqual(before);
    expect(api.logs.filter((l) => / failed: /.test(l))).toEqual([]);
  });

  it("answers a malformed percent-encoding in a path parameter with 4xx, not 5xx", async () => {
    const wrong = new Map<string, string[]>();
    for (const r of routes.filter((x) => x.path.includes("{id}"))) {
      for (const bad of ["%", "%E0%A4%A", "%ZZ", "abc%"]) {
        const path = `/${r.path.replace("{id}", bad).replace("{type}", "users").replace("{groupId}", groupId).replace("{memberId}", memberId).replace("{objectId}", memberId)}`;
        const res = await send(r.method, path);
        if (res.status < 400 || res.status >= 500) wrong.set(`${bad} → ${res.status}`, [...(wrong.get(`${bad} → ${res.status}`) ?? []), key(r)]);
        else expectErrorShape(res.status, res.text, path);
      }
    }
    expect(Object.fromEntries(wrong)).toEqual({});
    expect(await snapshotRows(api)).toEqual(before);
  });

  it("answers IDs a table key cannot hold (a '/') with 4xx, in the path and as a credentialId in a body", async () => {
    // Kept apart from the property above: each of these takes seconds while the storage SDK retries.
    const cases: Array<[string, string, unknown]> = [
      ["GET", "/credentials/a%2Fb", undefined],
      ["PATCH", "/credentials/a%2Fb", { name: "x" }],
      ["DELETE", "/credentials/a%2Fb", undefined],
      ["GET", "/tenants/a%2Fb", undefined],
      ["POST", "/tenants", { tenant: spare.tenantId, cloud: "global", credential: { credentialId: "a/b" } }],
      ["PATCH", `/tenants/${t.id}`, { credential: { credentialId: "a/b" } }],
    ];
    const answers = await Promise.all(
      cases.map(async ([method, path, body]) => {
        const r = await send(method, path, body === undefined ? {} : { raw: JSON.stringify(body) });
        return `${method} ${path}${body === undefined ? "" : ` ${JSON.stringify(body)}`} → ${r.status >= 400 && r.status < 500 ? "4xx" : `${r.status} ${r.text.slice(0, 80)}`}`;
      }),
    );
    expect(answers.filter((a) => !a.endsWith("→ 4xx"))).toEqual([]);
    expect(await snapshotRows(api)).toEqual(before);
  });
});
