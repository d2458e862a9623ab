import { request } from "node:https";

/**
 * JSON over HTTPS trusting a given CA: for a simulated Azure started by
 * another process, whose CA this test process did not trust at start.
 */
export function httpsJson<T>(url: string, ca: string | Buffer, method = "GET", body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, ca, headers: payload ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
        else resolve((text ? JSON.parse(text) : undefined) as T);
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}
