import type { Json } from "../domain/graph-object.js";
import { textOf } from "../domain/text.js";
import type { Services } from "../services.js";
import type { TenantRecord } from "../store/tenant-store.js";
import { provision, type Actor, type Outcome, type Refusal } from "./execute.js";
import { putObject } from "./store-write.js";

export interface LicenceChange {
  readonly addLicenses: ReadonlyArray<{ readonly skuId: string; readonly disabledPlans: readonly string[] }>;
  readonly removeLicenses: readonly string[];
}

type Assigned = Array<{ skuId?: Json; disabledPlans?: Json }>;

const sameSet = (a: readonly Json[], b: readonly string[]) => a.length === b.length && b.every((x) => a.includes(x));

/**
 * assignLicense (user-assignlicense.md): the user's usage location and
 * each SKU's free units (subscribedsku.md: prepaidUnits.enabled minus
 * consumedUnits) are checked against the store before the call, and
 * Graph's own answers for both are mapped to the same reasons. What is
 * already so is left out; with nothing left, no call is made.
 */
export function assignLicences(services: Services, tenant: TenantRecord, actor: Actor, userId: string, change: LicenceChange): Promise<Outcome<{ userId: string; assignedLicenses: Json }>> {
  let adds = change.addLicenses;
  let removes = change.removeLicenses;
  return provision(services, tenant, actor, "assignLicences", `users/${userId}`, {
    async guard(): Promise<Refusal | undefined> {
      const objects = services.objects(tenant.id);
      const user = await objects.get("users", userId);
      if (!user) return { status: 404, code: "NotFound", message: `User '${userId}' is not among the synced users.` };
      const held = (Array.isArray(user.data.assignedLicenses) ? user.data.assignedLicenses : []) as Assigned;
      const heldOf = (sku: string) => held.find((l) => l.skuId === sku);
      adds = adds.filter((a) => {
        const h = heldOf(a.skuId);
        return !h || !sameSet(Array.isArray(h.disabledPlans) ? h.disabledPlans : [], a.disabledPlans);
      });
      removes = removes.filter((r) => heldOf(r));
      if (adds.length > 0 && textOf(user.data.usageLocation) === "") {
        return { status: 409, code: "UsageLocationMissing", message: "The user has no usage location: Graph assigns licences only to users with one (a legal requirement, user.md: usageLocation). Set it first." };
      }
      const skus = new Map<string, Record<string, Json>>();
      for await (const s of objects.list("subscribedSkus")) skus.set(textOf(s.data.skuId), s.data);
      for (const a of adds) {
        const sku = skus.get(a.skuId);
        if (!sku) return { status: 400, code: "UnknownSku", message: `SKU '${a.skuId}' is not among the tenant's subscribed SKUs.` };
        const prepaid = sku.prepaidUnits as Record<string, Json> | null | undefined;
        const free = Number(prepaid?.enabled ?? 0) - Number(sku.consumedUnits ?? 0);
        if (!heldOf(a.skuId) && free <= 0) {
          return { status: 409, code: "NoFreeLicences", message: `SKU ${textOf(sku.skuPartNumber, a.skuId)} has no free units (${textOf(sku.consumedUnits)} of ${textOf(prepaid?.enabled)} used): buy more or free some first.`, details: { skuId: a.skuId } };
        }
      }
      return undefined;
    },
    async write(ctx) {
      if (adds.length === 0 && removes.length === 0) {
        const user = await services.objects(tenant.id).get("users", userId);
        return { changed: false, result: "unchanged", value: { userId, assignedLicenses: user?.data.assignedLicenses ?? [] } };
      }
      const user = (await ctx.client.api(`/users/${userId}/assignLicense`).post({ addLicenses: adds, removeLicenses: removes })) as Record<string, Json>;
      await putObject(services, tenant.id, "users", userId, { assignedLicenses: user.assignedLicenses ?? [] });
      return { changed: true, result: "assigned", value: { userId, assignedLicenses: user.assignedLicenses ?? [] } };
    },
    graphRefusal(err) {
      if (err.statusCode !== 400) return undefined;
      const details = { graphCode: err.code ?? "" };
      if (/usage location/i.test(err.message)) return { status: 409, code: "UsageLocationMissing", message: `The user has no valid usage location: ${err.message}`, details };
      if (/available licenses/i.test(err.message)) return { status: 409, code: "NoFreeLicences", message: `No free units: ${err.message}`, details };
      return undefined;
    },
  });
}
