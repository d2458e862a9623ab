import type { ResourceModule } from "../graph/resource.js";
import { everything, groupScope, scopeHash, userScope, type Filters, type ScopeCheck } from "../domain/filters.js";
import type { PageSource } from "./graph-source.js";

/**
 * The scope a stream syncs. The user filter by group needs those groups'
 * members now: a snapshot from Graph whose fingerprint joins the scope hash,
 * so a change in it brings a full scan of users.
 */
export async function buildScope(graph: PageSource, m: ResourceModule, filters: Filters | undefined): Promise<{ scope: ScopeCheck; hash: string }> {
  if (m.type === "users" && filters?.users) {
    let allowed: Set<string> | undefined;
    if (filters.users.memberOfGroupIds?.length) {
      allowed = new Set();
      for (const g of filters.users.memberOfGroupIds) {
        let url: string | undefined = `/groups/${g}/members`;
        let first = true;
        while (url) {
          const page = await graph.page(url, first ? ["id"] : undefined);
          first = false;
          for (const o of page.value) allowed.add(o.id);
          url = page.nextLink;
        }
      }
    }
    return { scope: userScope(filters.users, allowed), hash: scopeHash([filters.users, allowed ? [...allowed].sort() : null]) };
  }
  if (m.type === "groups" && filters?.groups) return { scope: groupScope(filters.groups), hash: scopeHash(filters.groups) };
  return { scope: everything, hash: scopeHash(null) };
}
