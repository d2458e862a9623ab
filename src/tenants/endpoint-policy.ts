import { documentedHosts, hostKey, type Cloud, type CloudEndpoints } from "../config/clouds.js";
import type { EndpointOverrides } from "../domain/endpoints.js";

export interface EndpointProblem {
  /** The field under `endpoints`: authorityHost or graphBaseUrl. */
  readonly field: keyof CloudEndpoints;
  readonly message: string;
}

const isIpLiteral = (hostname: string): boolean => hostname.startsWith("[") || /^[0-9.]+$/.test(hostname) || /^0x/i.test(hostname);

/**
 * Where a tenant's secret and bearer tokens may go. An override must be the
 * root of a host that the tenant's cloud documents for that role, or a
 * host the operator allow-listed (ENDPOINT_ALLOWED_HOSTS). Nothing else:
 * no IP literal, userinfo, other port, internal name, path or query.
 */
export function endpointProblems(cloud: Cloud, overrides: EndpointOverrides | null | undefined, allowedHosts: readonly string[]): EndpointProblem[] {
  const problems: EndpointProblem[] = [];
  for (const field of ["authorityHost", "graphBaseUrl"] as const) {
    const raw = overrides?.[field];
    if (raw === undefined) continue;
    const problem = checkOne(cloud, field, raw, allowedHosts);
    if (problem) problems.push({ field, message: problem });
  }
  return problems;
}

function checkOne(cloud: Cloud, field: keyof CloudEndpoints, raw: string, allowedHosts: readonly string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (u.protocol !== "https:") return "must be https";
  if (u.username !== "" || u.password !== "") return "must not carry a user name or password";
  if (u.search !== "" || u.hash !== "" || raw.includes("?") || raw.includes("#")) return "must not carry a query or fragment";
  if (u.pathname !== "/" && u.pathname !== "") return "must be the host's root, with no path";
  if (allowedHosts.includes(hostKey(u))) return undefined;
  const documented = documentedHosts(cloud, field);
  if (u.port !== "") return `must not name a port; allowed hosts for cloud ${cloud}: ${documented.join(", ")}`;
  if (isIpLiteral(u.hostname)) return `must not be an IP address; allowed hosts for cloud ${cloud}: ${documented.join(", ")}`;
  if (!documented.includes(u.hostname)) return `${u.hostname} is not a documented ${field === "authorityHost" ? "sign-in" : "Graph"} host of cloud ${cloud}; allowed: ${documented.join(", ")}`;
  return undefined;
}
