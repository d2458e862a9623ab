import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { LocalCertificates } from "./certs.js";
import { SimulatedEntra } from "./entra.js";
import { createGraphHandler } from "./graph/routes.js";
import { sendJson, type SimHandler } from "./http.js";
import { SimulatedKeyVault } from "./keyvault.js";
import { SimRegistry, type SimTenant } from "./registry.js";
import { SERVICE, seedTenants } from "./seed.js";

export interface SimulatedAzureOptions {
  readonly certs: LocalCertificates;
  /** Fixed ports (0 = any free one). */
  readonly ports?: { readonly authority?: number; readonly graph?: number; readonly vault?: number };
}

export interface SimulatedAzure {
  readonly authorityHost: string;
  readonly graphBaseUrl: string;
  readonly keyVaultUrl: string;
  readonly registry: SimRegistry;
  readonly entra: SimulatedEntra;
  readonly keyVault: SimulatedKeyVault;
  readonly customers: readonly SimTenant[];
  readonly service: SimTenant;
  stop(): Promise<void>;
}

async function listen(certs: LocalCertificates, port: number, handler: SimHandler): Promise<{ server: Server; url: string }> {
  const server = createServer(
    { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
    (req, res) => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      handler(req, res, url)
        .then((handled) => {
          if (!handled && !res.headersSent) sendJson(res, 404, { error: { code: "NotFound", message: `No route for ${req.method} ${url.pathname}` } });
        })
        .catch((err: unknown) => {
          if (!res.headersSent) sendJson(res, 500, { error: { code: "InternalServerError", message: String(err) } });
          else res.destroy();
        });
    },
  );
  // Azure's front ends keep idle connections for minutes (load-balancer-tcp-idle-timeout.md: 4 min by
  // default); a 1 s hint made Node's agents and undici open a new TLS connection per request. stop() closes them.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `https://127.0.0.1:${actual}` };
}

/** Starts Entra, Graph and Key Vault stand-ins on loopback HTTPS, with the seeded tenants. */
export async function startSimulatedAzure(opts: SimulatedAzureOptions): Promise<SimulatedAzure> {
  const registry = new SimRegistry();
  const { customers, service } = seedTenants(registry);
  const entra = await SimulatedEntra.create(registry);

  const authority = await listen(opts.certs, opts.ports?.authority ?? 0, entra.handler);
  entra.setAuthority(authority.url);

  const keyVault = new SimulatedKeyVault(entra.verify, () => authority.url, service.tenantId);
  const vault = await listen(opts.certs, opts.ports?.vault ?? 0, keyVault.handler);
  keyVault.setVaultUrl(vault.url);

  let graphHandler: SimHandler = () => Promise.resolve(false);
  const graph = await listen(opts.certs, opts.ports?.graph ?? 0, (req, res, url) => graphHandler(req, res, url));
  graphHandler = createGraphHandler({ registry, verify: entra.verify, baseUrl: graph.url });

  const servers = [authority.server, vault.server, graph.server];
  return {
    authorityHost: authority.url,
    graphBaseUrl: graph.url,
    keyVaultUrl: vault.url,
    registry,
    entra,
    keyVault,
    customers,
    service,
    async stop() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}

export { SERVICE };
