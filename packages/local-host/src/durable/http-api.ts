/**
 * The Durable Functions HTTP API over the local backend, as the extension's
 * HttpApiHandler.cs serves it (Azure/azure-functions-durable-extension) and
 * the "HTTP API reference" documents it
 * (MicrosoftDocs/azure-docs, articles/azure-functions/durable/durable-functions-http-api.md):
 * start, status, purge, terminate and raise event. The same handler serves
 * the public webhook path and the extension's local RPC endpoint that the
 * worker's DurableClient is given as `rpcBaseUrl`.
 */
import { randomUUID } from "node:crypto";
import { InstanceExistsError, RUNNING_STATES, type DurableBackend, type InstanceStatus } from "./backend.js";

export const TASK_HUB = "EntraSyncHub";
export const WEBHOOK_PATH = "/runtime/webhooks/durabletask";

export interface DurableApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** .NET's DateTime "s" format plus Z, as ConvertFrom writes createdTime and lastUpdatedTime. */
const sortable = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

function statusPayload(s: InstanceStatus): Record<string, unknown> {
  return {
    name: s.name,
    instanceId: s.instanceId,
    runtimeStatus: s.runtimeStatus,
    input: s.input ?? null,
    customStatus: s.customStatus ?? null,
    output: s.output ?? null,
    createdTime: sortable(s.createdTime),
    lastUpdatedTime: sortable(s.lastUpdatedTime),
  };
}

/** The management links of an instance (HttpManagementPayload). */
export function managementPayload(publicBase: string, query: string, id: string): Record<string, string> {
  const at = (suffix: string) => `${publicBase}/instances/${encodeURIComponent(id)}${suffix}?${query}`;
  return {
    id,
    statusQueryGetUri: at(""),
    sendEventPostUri: at("/raiseEvent/{eventName}"),
    terminatePostUri: at("/terminate").replace("?", "?reason={text}&"),
    purgeHistoryDeleteUri: at(""),
    restartPostUri: at("/restart"),
    suspendPostUri: at("/suspend").replace("?", "?reason={text}&"),
    resumePostUri: at("/resume").replace("?", "?reason={text}&"),
  };
}

const isTerminal = (s: InstanceStatus): boolean => !RUNNING_STATES.has(s.runtimeStatus);
const error = (status: number, message: string): DurableApiResponse => ({ status, body: { Message: message } });

/**
 * One request, its path relative to the API's base (e.g. `instances/abc`).
 * The body is read by the caller, bounded.
 */
export async function handleDurableApi(
  backend: DurableBackend,
  links: { publicBase: string; query: string },
  method: string,
  relPath: string,
  search: URLSearchParams,
  body: Buffer,
): Promise<DurableApiResponse> {
  const segs = relPath.split("/").filter((s) => s.length > 0).map(decodeURIComponent);
  const [controller, a, b, c] = segs;
  if (controller === "orchestrators" && a && segs.length <= 3) {
    if (method !== "POST") return { status: 404 };
    let input: unknown;
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString("utf8"));
      } catch {
        return error(400, "Invalid JSON content");
      }
    }
    const id = b ?? randomUUID().replace(/-/g, "");
    try {
      await backend.startNew(a, { instanceId: id, input });
    } catch (err) {
      if (err instanceof InstanceExistsError) return error(409, err.message);
      return error(400, err instanceof Error ? err.message : String(err));
    }
    const payload = managementPayload(links.publicBase, links.query, id);
    return { status: 202, headers: { location: payload.statusQueryGetUri!, "retry-after": "10" }, body: payload };
  }
  if (controller !== "instances" || !a) return { status: 404 };
  const s = await backend.getStatus(a);
  if (b === undefined) {
    if (method === "GET") {
      if (!s) return { status: 404 };
      return isTerminal(s) ? { status: 200, body: statusPayload(s) } : { status: 202, headers: { "retry-after": "5" }, body: statusPayload(s) };
    }
    if (method === "DELETE") {
      if (!s) return { status: 404 };
      if (!isTerminal(s)) return error(412, `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${a} has status ${s.runtimeStatus}`);
      return { status: 200, body: { instancesDeleted: await backend.purge(a) } };
    }
    return { status: 404 };
  }
  if (method !== "POST") return { status: 404 };
  if (b === "terminate" && c === undefined) {
    if (!s) return { status: 404 };
    if (isTerminal(s)) return { status: 410 };
    await backend.terminate(a, search.get("reason") ?? "");
    return { status: 202 };
  }
  if (b === "raiseEvent" && c !== undefined) {
    if (!s) return { status: 404 };
    if (isTerminal(s)) return { status: 410 };
    let data: unknown;
    try {
      data = body.length > 0 ? JSON.parse(body.toString("utf8")) : undefined;
    } catch {
      return error(400, "Invalid JSON content");
    }
    await backend.raiseEvent(a, c, data);
    return { status: 202 };
  }
  // rewind, restart, suspend and resume are not supported locally.
  return { status: 404 };
}

/**
 * The durableClient input binding's value, as the extension builds it
 * (OrchestrationClientInputData; read by durable-functions
 * lib/src/durableClient/getClient.js). With `rpcBaseUrl` set the client calls
 * the local RPC endpoint, as it does on Azure for out-of-proc languages.
 */
export function clientBinding(publicBase: string, query: string, rpcBaseUrl: string): Record<string, unknown> {
  const m = managementPayload(publicBase, query, "INSTANCEID");
  return {
    taskHubName: TASK_HUB,
    creationUrls: {
      createNewInstancePostUri: `${publicBase}/orchestrators/{functionName}[/{instanceId}]?${query}`,
      createAndWaitOnNewInstancePostUri: `${publicBase}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${query}`,
    },
    managementUrls: { ...m, id: "INSTANCEID", rewindPostUri: m.restartPostUri!.replace("/restart", "/rewind") },
    baseUrl: publicBase,
    requiredQueryStringParameters: query,
    rpcBaseUrl,
    httpBaseUrl: publicBase,
  };
}
