import type { RequestBudget } from "../graph/budget/graph-budget.js";
import type { Services } from "../services.js";

/** How long a tenant's size, read from its history, is trusted in this process. */
const SIZE_TTL_MS = 60 * 60_000;
const sizes = new Map<string, { readonly users: number | undefined; readonly at: number }>();

/** Users the tenant's last users stream counted (its newest history row of that type); undefined before any. */
async function usersOf(services: Pick<Services, "history">, tenantId: string, now: number): Promise<number | undefined> {
  const known = sizes.get(tenantId);
  if (known && now - known.at < SIZE_TTL_MS) return known.users;
  let users: number | undefined;
  for await (const r of services.history.rows(tenantId, { type: "users" })) {
    if (r.status === "succeeded" || r.status === "held") {
      users = r.total;
      break;
    }
  }
  sizes.set(tenantId, { users, at: now });
  return users;
}

/** The throttling budget requests of `clientId` to the tenant draw from, sized by the tenant's users; undefined when off. */
export async function budgetOf(services: Pick<Services, "graphBudget" | "history">, tenantId: string, clientId: string, now = Date.now()): Promise<RequestBudget | undefined> {
  const budget = services.graphBudget;
  if (!budget) return undefined;
  const users = budget.settings.tenantRu === undefined ? await usersOf(services, tenantId, now) : undefined;
  return budget.forTenant(clientId, tenantId, users);
}
