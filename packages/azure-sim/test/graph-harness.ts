import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimHandler, TokenClaims, TokenVerifier } from "../src/http.js";
import { SimRegistry, type SimTenant } from "../src/registry.js";
import { READ_PERMISSIONS, type DirectorySpec } from "../src/model.js";
import { GraphSimState, createGraphHandler, type PageCaps } from "../src/graph/routes.js";
import { defaultSpec } from "../src/graph/spec.js";
import type { BehavioursInput } from "../src/graph/behaviours.js";

/** Every read permission the simulator knows, granted. */
export const ALL_READ: string[] = [...READ_PERMISSIONS];

/** A token the fake verifier accepts: the claims themselves, base64url JSON. */
export function bearer(tid: string, roles: readonly string[]): string {
  return `Bearer ${Buffer.from(JSON.stringify({ tid, roles }), "utf8").toString("base64url")}`;
}

function fakeClaims(authorization: string | undefined): TokenClaims | null {
  if (!authorization?.startsWith("Bearer ")) return null;
  try {
    const { tid, roles } = JSON.parse(Buffer.from(authorization.slice(7), "base64url").toString("utf8")) as { tid: string; roles: string[] };
    const claims: TokenClaims = { tid, roles, aud: "https://graph.microsoft.com", appid: "test-app", iss: "test", exp: 0 };
    return claims;
  } catch {
    return null;
  }
}
const fakeVerify: TokenVerifier = (authorization) => Promise.resolve(fakeClaims(authorization));

export interface Harness {
  readonly baseUrl: string;
  readonly registry: SimRegistry;
  readonly state: GraphSimState;
  /** Sim clock offset, ms; tests move it to age tokens. */
  clockOffset: number;
  /** A new tenant; `behaviours` overrides the strict defaults. */
  tenant(spec: Partial<DirectorySpec>, roles?: readonly string[], behaviours?: BehavioursInput): { tenant: SimTenant; auth: string };
  graph(pathOrUrl: string, auth: string, init?: RequestInit): Promise<Response>;
  control(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

let tenantSerial = 0;

export async function startHarness(pageCaps: Partial<PageCaps> = {}): Promise<Harness> {
  const registry = new SimRegistry();
  const state = new GraphSimState(10_000);
  // The handler needs the port for its links, so it is made after listen.
  let handler: SimHandler = () => Promise.resolve(false);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", h.baseUrl);
    handler(req, res, url)
      .then((handled) => {
        if (!handled) res.writeHead(404).end();
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
        else res.destroy();
      });
  });
  const h = {
    baseUrl: "",
    registry,
    state,
    clockOffset: 0,
    tenant(spec: Partial<DirectorySpec>, roles: readonly string[] = ALL_READ, behaviours: BehavioursInput = {}) {
      const n = ++tenantSerial;
      const tenant = registry.addTenant({
        displayName: `Test ${n}`,
        domain: `t${n}-${process.pid}.example.com`,
        spec: defaultSpec(spec),
        apps: [{ displayName: "connector", grantedPermissions: [...roles] }],
      });
      state.behaviours.set(tenant.tenantId, behaviours);
      return { tenant, auth: bearer(tenant.tenantId, roles) };
    },
    async graph(pathOrUrl: string, auth: string, init: RequestInit = {}) {
      const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${h.baseUrl}${pathOrUrl}`;
      return fetch(url, { ...init, headers: { authorization: auth, "content-type": "application/json", ...(init.headers ?? {}) } });
    },
    async control(method: string, path: string, body?: unknown) {
      return fetch(`${h.baseUrl}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  h.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = createGraphHandler({ registry, verify: fakeVerify, baseUrl: h.baseUrl, state, pageCaps, now: () => Date.now() + h.clockOffset });
  return h;
}

export interface DeltaRound {
  readonly pages: Array<Record<string, unknown> & { value: Array<Record<string, unknown>> }>;
  readonly deltaLink: string;
}

/** Follows nextLinks from `start` to the deltaLink. */
export async function drainDelta(h: Harness, start: string, auth: string): Promise<DeltaRound> {
  const pages: DeltaRound["pages"] = [];
  let url = start;
  for (let guard = 0; guard < 10_000; guard++) {
    const res = await h.graph(url, auth);
    if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
    const page = (await res.json()) as DeltaRound["pages"][number];
    pages.push(page);
    const next = page["@odata.nextLink"];
    const delta = page["@odata.deltaLink"];
    if (typeof next === "string") url = next;
    else if (typeof delta === "string") return { pages, deltaLink: delta };
    else throw new Error("page without nextLink or deltaLink");
  }
  throw new Error("delta did not end");
}

export const objects = (round: DeltaRound) => round.pages.flatMap((p) => p.value);

/** Each object once (the last time it came): Graph may repeat an object on a later page. */
export const distinct = (round: DeltaRound) => [...new Map(objects(round).map((o) => [o.id as string, o])).values()];
