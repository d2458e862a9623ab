import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import type { OrchestrationClient } from "../orchestration/start-run.js";
import type { Services } from "../services.js";
import type { Principal } from "./auth.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Who may call a route: anyone, a Sync.Reader (or Admin), or only a Sync.Admin. */
export type Access = "anonymous" | "reader" | "admin";

/** What handlers work with; Azure and the local runtime each build one. */
export interface ApiDeps {
  readonly services: Services;
  readonly orchestration: OrchestrationClient;
}

export interface ApiRequest<B, Q> {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Q;
  readonly body: B;
  readonly headers: Headers;
  readonly url: URL;
  readonly principal: Principal | null;
  readonly deps: ApiDeps;
  readonly ctx: InvocationContext;
}

export interface Route {
  /** Function name in Azure; unique. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Functions route template under /api, e.g. "tenants/{id}". */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  /** Status codes and what they mean, for the OpenAPI document. */
  readonly responses: Readonly<Record<number, string>>;
  readonly handler: (req: ApiRequest<unknown, unknown>) => Promise<HttpResponseInit>;
}

/** Keeps each route's body and query types checked while the table holds them all. */
export function route<B = undefined, Q = Record<string, never>>(
  r: Omit<Route, "handler" | "body" | "query"> & {
    readonly body?: z.ZodType<B>;
    readonly query?: z.ZodType<Q>;
    readonly handler: (req: ApiRequest<B, Q>) => Promise<HttpResponseInit>;
  },
): Route {
  return r as unknown as Route;
}

export type RawHandler = (req: HttpRequest, ctx: InvocationContext) => Promise<HttpResponseInit>;
