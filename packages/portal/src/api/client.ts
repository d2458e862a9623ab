import type { ApiErrorBody } from "./types.js";

/** An error the API answered: its message is what the user sees. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly headers: Headers,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface Answer<T> {
  readonly body: T;
  readonly headers: Headers;
  readonly status: number;
}

/** Calls the public API with the bearer token; errors become ApiError with the API's own message. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: () => Promise<string>,
  ) {}

  url(path: string, query: Query = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") q.set(k, String(v));
    const s = q.toString();
    return `${this.baseUrl}${path}${s ? `?${s}` : ""}`;
  }

  async raw(method: string, path: string, o: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, ...o.headers };
    if (o.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await fetch(this.url(path, o.query), { method, headers, ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}) });
    } catch {
      throw new ApiError(0, "NetworkError", "The API could not be reached. Check your connection and try again.", undefined, new Headers());
    }
    if (res.ok) return res;
    let err: ApiErrorBody["error"] | undefined;
    try {
      err = ((await res.json()) as ApiErrorBody).error;
    } catch {
      // not the API's JSON error (a host or proxy answered)
    }
    throw new ApiError(res.status, err?.code ?? `HTTP${res.status}`, err?.message ?? `The service answered HTTP ${res.status}.`, err?.details, res.headers);
  }

  async call<T>(method: string, path: string, o: CallOptions = {}): Promise<Answer<T>> {
    const res = await this.raw(method, path, o);
    const body = res.status === 204 ? (undefined as T) : ((await res.json()) as T);
    return { body, headers: res.headers, status: res.status };
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.call<T>("GET", path, { query })).body;
  }
}
