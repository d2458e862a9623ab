// Response shapes are the server's own (the OpenAPI document describes bodies and queries, not responses).
import type { syncStatusView } from "../../../../src/api/handlers/sync.js";
import type { credentialView, tenantView } from "../../../../src/api/views.js";
import type { components, operations } from "./schema.gen.js";

export type Tenant = ReturnType<typeof tenantView>;
export type Credential = ReturnType<typeof credentialView>;
export type { ConnectionReport } from "../../../../src/tenants/test-connection.js";
export type { RunProgress } from "../../../../src/orchestration/contract.js";
export type SyncStatus = Awaited<ReturnType<typeof syncStatusView>>;
export type ApiErrorBody = components["schemas"]["Error"];

/** The JSON body an operation takes, from the generated OpenAPI types. */
export type BodyOf<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
/** The query an operation takes. */
export type QueryOf<Op extends keyof operations> = operations[Op] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export interface Page<T> {
  readonly items: T[];
  readonly continuationToken?: string;
}
export type { HistoryRecord as HistoryRow } from "../../../../src/store/history-store.js";
