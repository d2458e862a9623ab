import type { IncomingMessage, ServerResponse } from "node:http";

/** A route handler of one simulated service; answers false when the path is not its own. */
export type SimHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
    "content-length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

const MAX_BODY = 1 << 20;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  return text ? (JSON.parse(text) as unknown) : {};
}

/** Claims the simulated Entra puts in access tokens. */
export interface TokenClaims {
  readonly tid: string;
  readonly aud: string;
  readonly appid: string;
  readonly roles: readonly string[];
  readonly iss: string;
  readonly exp: number;
  readonly oid?: string;
}

/**
 * Checks a bearer token from an Authorization header: signature by the
 * simulated Entra, expiry, and an audience among `audiences`.
 */
export type TokenVerifier = (authorization: string | undefined, audiences: readonly string[]) => Promise<TokenClaims | null>;
