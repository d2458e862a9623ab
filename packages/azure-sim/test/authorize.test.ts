import { createHash, randomBytes } from "node:crypto";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";
import { LOCAL_ACCOUNTS, PORTAL_CLIENT_ID } from "../src/authorize.js";
import { decodeJwt } from "../../../test/support/sim.js";

const sim = inject("sim");
const REDIRECT = "http://localhost:5999/";
const ORIGIN = "http://localhost:5999";
const admin = LOCAL_ACCOUNTS[0]!;

/** GET without following redirects (fetch in Node would follow them). */
function get(url: string): Promise<{ status: number; location: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: readFileSync(sim.caCertFile) }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: String(res.headers.location ?? ""), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

function authorizeUrl(o: { challenge: string; redirect?: string; hint?: string; account?: string; method?: string }): string {
  const q = new URLSearchParams({
    client_id: PORTAL_CLIENT_ID,
    response_type: "code",
    redirect_uri: o.redirect ?? REDIRECT,
    response_mode: "fragment",
    scope: `${sim.service.apiAudience}/access_as_user openid profile offline_access`,
    state: "s1",
    nonce: "n1",
    code_challenge: o.challenge,
    code_challenge_method: o.method ?? "S256",
    ...(o.hint ? { login_hint: o.hint } : {}),
    ...(o.account ? { account_oid: o.account } : {}),
  });
  return `${sim.authorityHost}/${sim.service.tenantId}/oauth2/v2.0/authorize?${q.toString()}`;
}

const codeOf = (location: string): string => new URLSearchParams(location.split("#")[1] ?? "").get("code") ?? "";

async function redeem(code: string, verifier: string, origin: string | null = ORIGIN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.authorityHost}/${sim.service.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(origin ? { origin } : {}) },
    body: new URLSearchParams({ client_id: PORTAL_CLIENT_ID, grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, scope: `${sim.service.apiAudience}/access_as_user openid` }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("simulated Entra: auth code with PKCE for the portal", () => {
  it("registers the redirect, shows the account picker, and redeems a code once with the right verifier", async () => {
    await fetch(`${sim.authorityHost}/_sim/spa/redirects`, { method: "POST", body: JSON.stringify({ redirectUri: REDIRECT }) });
    const { verifier, challenge } = pkce();
    const picker = await get(authorizeUrl({ challenge }));
    expect(picker.status).toBe(200);
    expect(picker.body).toContain("Local Admin");
    expect(picker.body).toContain("Local Reader");

    const back = await get(authorizeUrl({ challenge, hint: admin.username }));
    expect(back.status).toBe(302);
    expect(back.location.startsWith(`${REDIRECT}#`)).toBe(true);
    expect(new URLSearchParams(back.location.split("#")[1]).get("state")).toBe("s1");

    const ok = await redeem(codeOf(back.location), verifier);
    expect(ok.status).toBe(200);
    const access = decodeJwt(String(ok.body.access_token));
    expect(access).toMatchObject({ aud: sim.service.apiAudience, oid: admin.oid, roles: ["Sync.Admin"], scp: "access_as_user", tid: sim.service.tenantId });
    expect(decodeJwt(String(ok.body.id_token))).toMatchObject({ aud: PORTAL_CLIENT_ID, nonce: "n1", preferred_username: admin.username });

    // Single use.
    const again = await redeem(codeOf(back.location), verifier);
    expect(again.status).toBe(400);
    expect(String(again.body.error_description)).toMatch(/^AADSTS54005:/);
  });

  it("refuses a wrong verifier, a redemption without Origin, an unregistered redirect URI and a plain challenge", async () => {
    const { verifier, challenge } = pkce();
    const wrong = await redeem(codeOf((await get(authorizeUrl({ challenge, account: admin.oid }))).location), pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    expect(String(wrong.body.error_description)).toMatch(/^AADSTS501481:/);

    const noOrigin = await redeem(codeOf((await get(authorizeUrl({ challenge, account: admin.oid }))).location), verifier, null);
    expect(String(noOrigin.body.error_description)).toMatch(/^AADSTS9002327:/);

    const elsewhere = await get(authorizeUrl({ challenge, redirect: "https://evil.example/" }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.location).toBe("");
    expect(elsewhere.body).toContain("AADSTS50011");

    const plain = await get(authorizeUrl({ challenge, method: "plain", account: admin.oid }));
    expect(new URLSearchParams(plain.location.split("#")[1]).get("error")).toBe("invalid_request");
  });

  it("refuses client credentials sent with an Origin header (a secret used from a browser)", async () => {
    const res = await fetch(`${sim.authorityHost}/${sim.service.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({ client_id: sim.service.admin.clientId, client_secret: sim.service.admin.clientSecret, grant_type: "client_credentials", scope: `${sim.service.apiAudience}/.default` }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_description: string }).error_description).toMatch(/^AADSTS9002326:/);
  });
});
