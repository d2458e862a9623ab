import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Who may call a route: anyone, a Sync.Reader (or Admin), or only a Sync.Admin. */
export type Access = "anonymous" | "reader" | "admin";

export interface Route {
  /** Function name in Azure; unique. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Functions route template under /api, e.g. "tenants/{id}". */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly handler: (req: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>;
}
