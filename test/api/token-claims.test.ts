import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_TOKEN_AGE_SECONDS, TokenValidator } from "../../src/api/auth.js";
import { parseConfig } from "../../src/config/config.js";

/**
 * The token rules of TokenValidator over a faked transport: fetch serves the
 * JWKS, jose and the validator are the real ones (issue 20.9, issue 12.3).
 */

const ISSUER = "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0";
const JWKS_URI = "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/discovery/v2.0/keys";
const API_CLIENT_ID = "22222222-2222-4222-8222-222222222222";
const APP_ID_URI = "api://entra-sync";

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let validator: TokenValidator;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  vi.stubGlobal("fetch", async (input: string | URL | Request) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url !== JWKS_URI) return new Response("not found", { status: 404 });
    return new Response(JSON.stringify({ keys: [jwk] }), { status: 200, headers: { "content-type": "application/json" } });
  });
  // Both forms listed, as the README says to set it.
  const config = parseConfig({ AzureWebJobsStorage: "UseDevelopmentStorage=true", KEY_VAULT_URL: "https://v.vault.azure.net", API_AUDIENCE: ` ${API_CLIENT_ID} , ${APP_ID_URI}`, API_ISSUER: ISSUER, API_JWKS_URI: JWKS_URI });
  expect(config.api.audience).toEqual([API_CLIENT_ID, APP_ID_URI]);
  validator = new TokenValidator(config.api);
});
afterAll(() => vi.unstubAllGlobals());

/** A token with exactly these registered claims (undefined leaves one out). */
function sign(claims: { aud?: string; iat?: number; nbf?: number; exp?: number }, extra: JWTPayload = {}): Promise<string> {
  const payload: JWTPayload = { iss: ISSUER, sub: "app", oid: "app", tid: "t", roles: ["Sync.Admin"], ver: "2.0", ...extra };
  for (const [k, v] of Object.entries(claims)) if (v !== undefined) payload[k] = v;
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: "k1", typ: "JWT" }).sign(privateKey);
}

const accepted = async (token: string) => validator.principal(`Bearer ${token}`).then(
  () => true,
  (err: unknown) => {
    expect(err).toMatchObject({ status: 401, code: "Unauthorized" });
    return false;
  },
);

describe("API tokens: required claims and age (20.9)", () => {
  const valid = () => ({ aud: API_CLIENT_ID, iat: now() - 60, nbf: now() - 60, exp: now() + 3600 });

  it("accepts a well-formed token", async () => {
    expect(await accepted(await sign(valid()))).toBe(true);
  });

  // Regression: a token without exp was accepted and never expired.
  it("refuses a token without exp", async () => {
    expect(await accepted(await sign({ ...valid(), exp: undefined }))).toBe(false);
  });

  it("refuses a token without iat (its age cannot be known)", async () => {
    expect(await accepted(await sign({ ...valid(), iat: undefined }))).toBe(false);
  });

  it("refuses a token issued longer ago than the maximum age, even with exp in the future", async () => {
    expect(await accepted(await sign({ ...valid(), iat: now() - MAX_TOKEN_AGE_SECONDS - 3600, nbf: now() - MAX_TOKEN_AGE_SECONDS - 3600, exp: now() + 10 * 365 * 86_400 }))).toBe(false);
  });

  it("refuses a token issued in the future, and one not yet valid (nbf)", async () => {
    expect(await accepted(await sign({ ...valid(), iat: now() + 3600 }))).toBe(false);
    expect(await accepted(await sign({ ...valid(), nbf: now() + 3600 }))).toBe(false);
  });

  it("accepts a token without nbf (checked only where present)", async () => {
    expect(await accepted(await sign({ ...valid(), nbf: undefined }))).toBe(true);
  });

  it("refuses an expired token", async () => {
    expect(await accepted(await sign({ ...valid(), iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }))).toBe(false);
  });
});

describe("API tokens: audience (12.3)", () => {
  const claims = (aud: string) => ({ aud, iat: now() - 60, nbf: now() - 60, exp: now() + 3600 });

  // Regression: v2 tokens carry the API's client ID as aud; an exact match on the App ID URI refused every call.
  it("accepts aud = the API's client ID (v2 tokens) and aud = its App ID URI (v1 tokens)", async () => {
    expect(await accepted(await sign(claims(API_CLIENT_ID)))).toBe(true);
    expect(await accepted(await sign(claims(APP_ID_URI), { ver: "1.0" }))).toBe(true);
  });

  it("refuses any other audience", async () => {
    expect(await accepted(await sign(claims("33333333-3333-4333-8333-333333333333")))).toBe(false);
    expect(await accepted(await sign(claims("api://another-api")))).toBe(false);
    expect(await accepted(await sign(claims(`${API_CLIENT_ID},${APP_ID_URI}`)))).toBe(false);
  });

  it("an empty API_AUDIENCE list is a configuration error naming the variable", () => {
    expect(() => parseConfig({ AzureWebJobsStorage: "x", KEY_VAULT_URL: "https://v.vault.azure.net", API_AUDIENCE: " , ", API_ISSUER: ISSUER, API_JWKS_URI: JWKS_URI })).toThrow(/API_AUDIENCE/);
  });
});
