import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import type { PortalConfig } from "../../portal/src/portal-config.js";
import { PROJECT_ROOT } from "./project-root.js";

/** The portal's runtime settings, served as /config.json (in Azure, written next to the built files at deploy). */
export type { PortalConfig };

const PORTAL_DIR = join(PROJECT_ROOT, "packages", "portal");
export const PORTAL_DIST = join(PORTAL_DIR, "dist");

const newest = (path: string): number => {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newest(join(path, n))));
};

/** Builds the portal with Vite when there is no build or its sources are newer than it. */
export async function ensurePortalBuilt(log: (line: string) => void): Promise<void> {
  const built = join(PORTAL_DIST, "index.html");
  const sources = Math.max(newest(join(PORTAL_DIR, "src")), newest(join(PORTAL_DIR, "index.html")), newest(join(PORTAL_DIR, "vite.config.ts")));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  log("building the portal (vite build)…");
  const { build } = await import("vite");
  // Built aside and moved into place, so two starts at once never serve a half-written build.
  const aside = `${PORTAL_DIST}.build-${process.pid}`;
  await build({ configFile: join(PORTAL_DIR, "vite.config.ts"), root: PORTAL_DIR, logLevel: "warn", build: { outDir: aside, emptyOutDir: true } });
  rmSync(PORTAL_DIST, { recursive: true, force: true });
  try {
    renameSync(aside, PORTAL_DIST);
  } catch (err) {
    // Another start moved its build in first.
    rmSync(aside, { recursive: true, force: true });
    if (!existsSync(built)) throw err;
  }
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json; charset=utf-8",
  ".ico": "image/x-icon",
};

export interface PortalServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves the built portal as Static Web Apps would: the files, /config.json,
 * and index.html for any other path (navigationFallback), so a reload of a
 * deep link or MSAL's redirect back lands in the app.
 */
export async function servePortal(port: number, config: (origin: string) => PortalConfig): Promise<PortalServer> {
  let origin = "";
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const headers = { "x-content-type-options": "nosniff", "cache-control": "no-cache" };
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...headers, allow: "GET, HEAD" });
      res.end();
      return;
    }
    if (path === "/config.json") {
      let body: string;
      try {
        body = JSON.stringify(config(origin));
      } catch {
        // The API is not listening yet.
        res.writeHead(503, { ...headers, "retry-after": "1" });
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, "content-type": TYPES[".json"] });
      res.end(body);
      return;
    }
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // left as it is: no such file, so index.html
    }
    const file = normalize(join(PORTAL_DIST, decoded));
    const inside = file.startsWith(PORTAL_DIST + sep);
    const target = inside && existsSync(file) && statSync(file).isFile() ? file : join(PORTAL_DIST, "index.html");
    res.writeHead(200, { ...headers, "content-type": TYPES[extname(target)] ?? "application/octet-stream" });
    res.end(req.method === "HEAD" ? undefined : readFileSync(target));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
