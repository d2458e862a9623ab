import type { Cloud } from "../config/clouds.js";
import type { EndpointOverrides } from "../domain/endpoints.js";
import type { Services } from "../services.js";
import { endpointProblems, type EndpointProblem } from "../tenants/endpoint-policy.js";
import { RequestError } from "./errors.js";

/** 400 naming each refused override by its path, as a validation error does. */
export function endpointRefused(problems: readonly EndpointProblem[]): RequestError {
  const details = problems.map((p) => ({ path: `body.endpoints.${p.field}`, message: p.message }));
  const first = details[0];
  return new RequestError(400, "EndpointNotAllowed", first ? `${first.path}: ${first.message}` : "endpoint override refused", details);
}

/** Refuses overrides the policy does not allow, before any request goes out. */
export function checkEndpoints(services: Services, cloud: Cloud, endpoints: EndpointOverrides | null | undefined): void {
  const problems = endpointProblems(cloud, endpoints, services.config.endpointAllowedHosts);
  if (problems.length > 0) throw endpointRefused(problems);
}
