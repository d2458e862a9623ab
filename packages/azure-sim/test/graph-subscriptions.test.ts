import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./graph-harness.js";
import { QUOTAS } from "../src/graph/subscriptions/hub.js";

/** A notification endpoint: answers the handshake (or not, per `mode`) and records what Graph posts. */
interface Endpoint {
  readonly url: string;
  mode: "echo" | "wrong" | "slow";
  readonly received: Array<{ value: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

async function endpoint(): Promise<Endpoint> {
  const ep = { url: "", mode: "echo" as Endpoint["mode"], received: [] as Endpoint["received"], close: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("validationToken");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (token !== null) {
        if (ep.mode === "slow") return void setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end(token), 11_000).unref();
        return void res.writeHead(200, { "content-type": "text/plain" }).end(ep.mode === "wrong" ? "nope" : token);
      }
      ep.received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Endpoint["received"][number]);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  ep.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  ep.close = () => new Promise<void>((r) => server.close(() => r()));
  return ep;
}

let h: Harness;
let ep: Endpoint;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  ep = await endpoint();
});
afterAll(async () => {
  await ep.close();
  await h.close();
});

describe("simulated Graph subscriptions", () => {
  const body = (over: Record<string, unknown> = {}) => JSON.stringify({ changeType: "updated,deleted", notificationUrl: ep.url, resource: "users", expirationDateTime: inDays(20), clientState: "s3cret", ...over });

  it("validates the URL, then notifies a change with clientState, resource, tenantId and the expiry; deletes stop it", async () => {
    const { tenant, auth } = h.tenant({ users: 5, groups: 1 });
    await h.control("PUT", `/_sim/${tenant.tenantId}/subscriptions/delivery`, { maxLateMs: 0, duplicateRate: 0 });
    const res = await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() });
    expect(res.status).toBe(201);
    const sub = (await res.json()) as { id: string; expirationDateTime: string };
    const user = [...tenant.directory.truth("users")][0]!;
    await h.control("PATCH", `/_sim/${tenant.tenantId}/objects/users/${user.id}`, { jobTitle: "x" });
    const deadline = Date.now() + 5_000;
    while (ep.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const item = ep.received[0]!.value[0]!;
    expect(item).toMatchObject({ subscriptionId: sub.id, clientState: "s3cret", changeType: "updated", tenantId: tenant.tenantId, resource: `Users/${user.id}`, subscriptionExpirationDateTime: sub.expirationDateTime });
    expect((await h.graph(`/v1.0/subscriptions/${sub.id}`, auth, { method: "DELETE" })).status).toBe(204);
    expect((await h.graph(`/v1.0/subscriptions/${sub.id}`, auth)).status).toBe(404);
  });

  it("refuses an expiry past 41,760 minutes, a plain-http public URL, and a failed or slow handshake (400)", async () => {
    const { auth } = h.tenant({ users: 1, groups: 1 });
    expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body({ expirationDateTime: inDays(30) }) })).status).toBe(400);
    expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body({ notificationUrl: "http://example.com/notify" }) })).status).toBe(400);
    expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body({ changeType: "created" }) })).status).toBe(400);
    ep.mode = "wrong";
    expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() })).status).toBe(400);
    ep.mode = "slow";
    expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() })).status).toBe(400);
    ep.mode = "echo";
  }, 20_000);

  it("refuses the 101st subscription of an app in a tenant with 403", async () => {
    const { auth } = h.tenant({ users: 1, groups: 1 });
    for (let i = 0; i < QUOTAS.perAppAndTenant; i++) expect((await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() })).status).toBe(201);
    const over = await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() });
    expect(over.status).toBe(403);
    expect(((await over.json()) as { error: { message: string } }).error.message).toContain("per app and tenant");
  }, 60_000);

  it("renews by PATCH and stops delivering once expired", async () => {
    const { tenant, auth } = h.tenant({ users: 3, groups: 1 });
    const sub = (await (await h.graph("/v1.0/subscriptions", auth, { method: "POST", body: body() })).json()) as { id: string };
    const asked = inDays(28);
    const renewed = await h.graph(`/v1.0/subscriptions/${sub.id}`, auth, { method: "PATCH", body: JSON.stringify({ expirationDateTime: asked }) });
    expect(renewed.status).toBe(200);
    expect(((await renewed.json()) as { expirationDateTime: string }).expirationDateTime).toBe(asked);
    await h.control("POST", `/_sim/${tenant.tenantId}/subscriptions/${sub.id}/expire`, {});
    expect((await h.graph(`/v1.0/subscriptions/${sub.id}`, auth)).status).toBe(404);
  });
});
