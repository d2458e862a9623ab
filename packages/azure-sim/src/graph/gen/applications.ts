import type { SimApp } from "../../model.js";
import type { GraphObject, JsonObject } from "../types.js";
import type { GenContext } from "./context.js";
import { rngFor } from "./idCodec.js";
import { APP_NAMES } from "./names.js";
import { pastDate, pick, randomGuid } from "./random.js";

export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** IDs of Graph application permissions (app roles) the generated apps request. */
const GRAPH_ROLE_IDS = [
  "df021288-bdef-4463-88db-98f22de89214", // User.Read.All
  "5b567255-7703-4780-807c-7be8301ae99b", // Group.Read.All
  "7ab1d382-f21e-4acd-a863-ba3e13f7da61", // Directory.Read.All
];

/** Application object of an app that can sign in: its secrets are read live. */
export function buildFixedApp(app: SimApp): GraphObject {
  return {
    id: app.objectId,
    appId: app.clientId,
    displayName: app.displayName,
    signInAudience: "AzureADMyOrg",
    createdDateTime: app.secrets[0]?.startDateTime ?? null,
    passwordCredentials: app.secrets.map((s) => ({
      keyId: s.keyId,
      displayName: s.displayName,
      hint: s.hint,
      startDateTime: s.startDateTime,
      endDateTime: s.endDateTime,
      secretText: null,
    })),
    requiredResourceAccess: [],
  };
}

export function generatedAppName(id: string, n: number): string {
  return `${pick(rngFor(id, 2), APP_NAMES)} ${n}`;
}

export function buildGeneratedApp(ctx: GenContext, n: number, id: string, appId: string): GraphObject {
  const rand = rngFor(id);
  const created = pastDate(rand);
  const secrets: JsonObject[] = [];
  const secretCount = Math.floor(rand() * 3);
  for (let s = 0; s < secretCount; s++) {
    // Spread expiries around the present: some expired, some soon, some far.
    const end = Date.UTC(2024, 0, 1) + Math.floor(rand() * 4 * 365) * 86_400_000;
    const hint = Math.floor(rand() * 46656).toString(36).padStart(3, "0");
    secrets.push({
      keyId: randomGuid(rand),
      displayName: `secret-${s + 1}`,
      hint,
      startDateTime: created,
      endDateTime: new Date(end).toISOString().replace(".000Z", "Z"),
      secretText: null,
    });
  }
  const access = rand() < 0.6 ? [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: pick(rand, GRAPH_ROLE_IDS), type: "Role" }] }] : [];
  return {
    id,
    appId,
    displayName: generatedAppName(id, n),
    signInAudience: rand() < 0.8 ? "AzureADMyOrg" : "AzureADMultipleOrgs",
    createdDateTime: created,
    passwordCredentials: secrets,
    requiredResourceAccess: access,
    publisherDomain: ctx.tenant.domain,
  };
}
