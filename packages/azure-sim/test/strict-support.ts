import { ResponseType, type Client } from "@microsoft/microsoft-graph-client";
import { inject } from "vitest";
import type { Behaviours } from "../src/graph/behaviours.js";
import { resolveEndpoints } from "../../../src/config/clouds.js";
import { createGraphClient } from "../../../src/graph/client.js";
import { customerCredential } from "../../../src/graph/credential.js";
import { createSimTenant, simPost, type CreatedTenant } from "../../../test/support/sim.js";

/** Helpers of the strict-simulator tests: a tenant with its real Graph SDK client, and rounds read page by page. */

export type Obj = Record<string, unknown>;
export interface Page {
  readonly value: Obj[];
  readonly "@odata.nextLink"?: string;
  readonly "@odata.deltaLink"?: string;
}
export interface Round {
  readonly pages: Page[];
  readonly deltaLink: string;
}

export interface StrictTenant extends CreatedTenant {
  readonly client: Client;
}

/** A new tenant whose behaviours are the strict defaults overridden by `behaviours`. */
export async function strictTenant(spec: Record<string, number>, behaviours: Partial<Behaviours> = {}, grantedPermissions?: readonly string[]): Promise<StrictTenant> {
  const sim = inject("sim");
  const t = await createSimTenant({ spec, ...(grantedPermissions ? { grantedPermissions } : {}) });
  if (Object.keys(behaviours).length > 0) await simPost(`/_sim/${t.tenantId}/behaviours`, behaviours, "PUT");
  const endpoints = resolveEndpoints("global", undefined, { authorityHost: sim.authorityHost, graphBaseUrl: sim.graphBaseUrl });
  const app = t.apps[0]!;
  const client = createGraphClient(customerCredential({ tenantId: t.tenantId, clientId: app.clientId, clientSecret: app.clientSecrets[0]! }, endpoints), endpoints);
  return { ...t, client };
}

/** One page through the SDK, as the raw response (status and headers kept). */
export async function rawPage(client: Client, url: string, headers: Record<string, string> = {}): Promise<Response> {
  return (await client.api(url).headers(headers).responseType(ResponseType.RAW).get()) as Response;
}

/** Follows nextLinks to the deltaLink through the SDK; every request carries `headers`. */
export async function round(client: Client, first: string, headers: Record<string, string> = {}): Promise<Round> {
  const pages: Page[] = [];
  let url = first;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = (await client.api(url).headers(headers).get()) as Page;
    pages.push(page);
    if (page["@odata.nextLink"]) url = page["@odata.nextLink"];
    else if (page["@odata.deltaLink"]) return { pages, deltaLink: page["@odata.deltaLink"] };
    else throw new Error("a page with neither nextLink nor deltaLink");
  }
  throw new Error("the round did not end");
}

export const items = (r: Round): Obj[] => r.pages.flatMap((p) => p.value);
/** Each object once, its appearances merged in order (repeats and member chunks; each member once, its last entry). */
export function merged(r: Round): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const o of items(r)) {
    const id = o.id as string;
    const prev = out.get(id);
    const byId = new Map<unknown, Obj>();
    for (const m of [...((prev?.["members@delta"] as Obj[] | undefined) ?? []), ...((o["members@delta"] as Obj[] | undefined) ?? [])]) byId.set(m.id, m);
    const members = [...byId.values()];
    out.set(id, { ...prev, ...o, ...(members.length ? { "members@delta": members } : {}) });
  }
  return out;
}

/** The Graph error a rejected SDK call carries: status, top-level error and its innerError chain's codes. */
export async function graphError(p: Promise<unknown>): Promise<{ status: number; code: string; codes: string[]; headers: Headers | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { statusCode: number; code: string; body?: string; headers?: Headers };
    const body = (e.body ? JSON.parse(e.body) : {}) as Obj;
    const codes: string[] = [];
    for (let inner = body.innerError as Obj | undefined; inner; inner = inner.innerError as Obj | undefined) if (typeof inner.code === "string") codes.push(inner.code);
    return { status: e.statusCode, code: e.code, codes, headers: e.headers };
  }
  throw new Error("the call did not fail");
}
