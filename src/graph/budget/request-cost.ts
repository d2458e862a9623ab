/**
 * What Graph charges a request in resource units, as
 * concepts/throttling-limits.md ("Identity and access service limits")
 * lists it: a base cost by path, "Using `$select` decreases cost by 1",
 * "Using `$expand` increases cost by 1", "Using `$top` with a value of less
 * than 20 decreases cost by 1", and "A request cost can never be lower than
 * 1". An estimate before the request is sent; the answer's
 * x-ms-resource-unit settles it.
 */
const BASE_COSTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^applications$/, 2],
  [/^applications\/[^/]+\/extensionProperties$/, 2],
  [/^contracts$/, 3],
  [/^domains\/[^/]+\/domainNameReferences$/, 4],
  [/^groups\/[^/]+\/members$/, 3],
  [/^groups\/[^/]+\/transitiveMembers$/, 5],
  [/^oauth2PermissionGrants(\/[^/]+)?$/, 2],
  [/^servicePrincipals\/[^/]+\/appRoleAssignments$/, 2],
  [/^subscribedSkus$/, 3],
  [/^users$/, 2],
];
const POST_COSTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^directoryObjects\/getByIds$/, 3],
  [/^getObjectsById$/, 3],
];

/** The estimated cost of one request; `url` is absolute or relative to the version (`/users?$top=999`). */
export function estimateCost(method: string, url: string): number {
  const u = new URL(url, "https://graph.invalid/v1.0/");
  const path = u.pathname.replace(/^\/(v1\.0|beta)\//, "").replace(/^\/+/, "").replace(/\/\$ref$/, "");
  const table = method.toUpperCase() === "GET" ? BASE_COSTS : method.toUpperCase() === "POST" ? POST_COSTS : [];
  const base = table.find(([re]) => re.test(path))?.[1] ?? 1;
  const q = (name: string) => u.searchParams.get(`$${name}`) ?? u.searchParams.get(name);
  const top = Number(q("top") ?? Number.NaN);
  return Math.max(1, base - (q("select") !== null ? 1 : 0) + (q("expand") !== null ? 1 : 0) - (Number.isFinite(top) && top < 20 ? 1 : 0));
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A `$batch` costs what its requests cost: "Requests in a batch are
 * evaluated individually against throttling limits" (concepts/json-batching.md).
 */
export function estimateBatchCost(body: unknown): number {
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return 1;
    }
  }
  const requests = isRecord(parsed) && Array.isArray(parsed.requests) ? (parsed.requests as unknown[]) : [];
  let sum = 0;
  for (const r of requests) {
    if (isRecord(r) && typeof r.url === "string") sum += estimateCost(typeof r.method === "string" ? r.method : "GET", r.url);
  }
  return Math.max(1, sum);
}
