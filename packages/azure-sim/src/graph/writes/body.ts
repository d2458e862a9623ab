import { readJson } from "../../http.js";
import type { ApiCall } from "../call.js";
import type { JsonObject } from "../types.js";

/** The request's JSON object, or undefined after Graph's 400 for an unreadable body. */
export async function objectBody(call: ApiCall): Promise<JsonObject | undefined> {
  let body: unknown;
  try {
    body = await readJson(call.req);
  } catch {
    call.fail(400, "Request_BadRequest", "Invalid request body: the JSON could not be read.");
    return undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    call.fail(400, "Request_BadRequest", "Invalid request body: expected a JSON object.");
    return undefined;
  }
  return body as JsonObject;
}

/** OData's answer to a property the type does not define. */
export function unknownProperty(call: ApiCall, name: string, type: string): void {
  call.fail(400, "Request_BadRequest", `The property '${name}' does not exist on type 'microsoft.graph.${type}'. Make sure to only use property names that are defined by the type.`);
}

/** Graph's answer to a missing or ill-typed property. */
export function invalidValue(call: ApiCall, name: string, resource: string): void {
  call.fail(400, "Request_BadRequest", `Invalid value specified for property '${name}' of resource '${resource}'.`);
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
