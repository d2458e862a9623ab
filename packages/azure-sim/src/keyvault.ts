import { randomBytes } from "node:crypto";
import { readJson, sendJson, type SimHandler, type TokenVerifier } from "./http.js";

interface SecretVersion {
  readonly version: string;
  value: string;
  contentType: string | undefined;
  tags: Record<string, string> | undefined;
  enabled: boolean;
  exp: number | undefined;
  nbf: number | undefined;
  readonly created: number;
  updated: number;
}

interface DeletedSecret {
  readonly versions: SecretVersion[];
  readonly deletedDate: number;
}

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VAULT_RESOURCE = "https://vault.azure.net";
const RETENTION_DAYS = 90;

const kvError = (code: string, message: string) => ({ error: { code, message } });

/** The simulated Key Vault secrets API (a single vault, soft delete on). */
export class SimulatedKeyVault {
  private readonly secrets = new Map<string, SecretVersion[]>();
  private readonly deleted = new Map<string, DeletedSecret>();
  private vaultUrl = "";

  constructor(
    private readonly verify: TokenVerifier,
    private readonly authority: () => string,
    private readonly tenantId: string,
  ) {}

  setVaultUrl(url: string): void {
    this.vaultUrl = url;
  }

  /** Names of live secrets; for tests that check what was erased. */
  names(): string[] {
    return [...this.secrets.keys()];
  }

  private bundle(name: string, v: SecretVersion, withValue: boolean): Record<string, unknown> {
    return {
      ...(withValue ? { value: v.value } : {}),
      id: `${this.vaultUrl}/secrets/${name}/${v.version}`,
      ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
      ...(v.tags ? { tags: v.tags } : {}),
      attributes: {
        enabled: v.enabled,
        ...(v.exp !== undefined ? { exp: v.exp } : {}),
        ...(v.nbf !== undefined ? { nbf: v.nbf } : {}),
        created: v.created,
        updated: v.updated,
        recoveryLevel: "Recoverable+Purgeable",
        recoverableDays: RETENTION_DAYS,
      },
    };
  }

  readonly handler: SimHandler = async (req, res, url) => {
    const claims = await this.verify(req.headers.authorization, [VAULT_RESOURCE, this.vaultUrl]);
    if (!claims || claims.tid !== this.tenantId) {
      sendJson(res, 401, kvError("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token."), {
        "www-authenticate": `Bearer authorization="${this.authority()}/${this.tenantId}", resource="${VAULT_RESOURCE}"`,
      });
      return true;
    }
    const [collection, name, version, ...extra] = url.pathname.split("/").filter(Boolean);
    if (extra.length > 0 || (collection !== "secrets" && collection !== "deletedsecrets")) return false;
    if (name !== undefined && !NAME.test(name)) {
      sendJson(res, 400, kvError("BadParameter", "The request URI contains an invalid name: " + name));
      return true;
    }
    if (collection === "deletedsecrets") return this.deletedRoute(req.method ?? "", name, res);
    if (name === undefined) {
      if (req.method !== "GET") return false;
      const value = [...this.secrets.entries()].map(([n, vs]) => {
        const b = this.bundle(n, vs[vs.length - 1]!, false);
        return { ...b, id: `${this.vaultUrl}/secrets/${n}` };
      });
      sendJson(res, 200, { value, nextLink: null });
      return true;
    }
    const versions = this.secrets.get(name);
    const notFound = () =>
      sendJson(res, 404, kvError("SecretNotFound", `A secret with (name/id) ${name}${version ? "/" + version : ""} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.`));

    switch (req.method) {
      case "PUT": {
        if (version !== undefined) return false;
        if (this.deleted.has(name)) {
          sendJson(res, 409, kvError("Conflict", `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`));
          return true;
        }
        const body = (await readJson(req)) as {
          value?: unknown;
          contentType?: string;
          tags?: Record<string, string>;
          attributes?: { enabled?: boolean; exp?: number; nbf?: number };
        };
        if (typeof body.value !== "string") {
          sendJson(res, 400, kvError("BadParameter", "Secret value is required."));
          return true;
        }
        const now = Math.floor(Date.now() / 1000);
        const v: SecretVersion = {
          version: randomBytes(16).toString("hex"),
          value: body.value,
          contentType: body.contentType,
          tags: body.tags,
          enabled: body.attributes?.enabled ?? true,
          exp: body.attributes?.exp,
          nbf: body.attributes?.nbf,
          created: now,
          updated: now,
        };
        this.secrets.set(name, [...(versions ?? []), v]);
        sendJson(res, 200, this.bundle(name, v, true));
        return true;
      }
      case "GET": {
        if (!versions) {
          notFound();
          return true;
        }
        if (version === "versions") {
          sendJson(res, 200, { value: versions.map((v) => this.bundle(name, v, false)), nextLink: null });
          return true;
        }
        const v = version ? versions.find((x) => x.version === version) : versions[versions.length - 1];
        if (!v) notFound();
        else sendJson(res, 200, this.bundle(name, v, true));
        return true;
      }
      case "PATCH": {
        const v = versions && (version ? versions.find((x) => x.version === version) : versions[versions.length - 1]);
        if (!v) {
          notFound();
          return true;
        }
        const body = (await readJson(req)) as { contentType?: string; tags?: Record<string, string>; attributes?: { enabled?: boolean; exp?: number; nbf?: number } };
        if (body.contentType !== undefined) v.contentType = body.contentType;
        if (body.tags !== undefined) v.tags = body.tags;
        if (body.attributes?.enabled !== undefined) v.enabled = body.attributes.enabled;
        if (body.attributes && "exp" in body.attributes) v.exp = body.attributes.exp;
        if (body.attributes && "nbf" in body.attributes) v.nbf = body.attributes.nbf;
        v.updated = Math.floor(Date.now() / 1000);
        sendJson(res, 200, this.bundle(name, v, false));
        return true;
      }
      case "DELETE": {
        if (version !== undefined) return false;
        if (!versions) {
          notFound();
          return true;
        }
        this.secrets.delete(name);
        const d: DeletedSecret = { versions, deletedDate: Math.floor(Date.now() / 1000) };
        this.deleted.set(name, d);
        sendJson(res, 200, this.deletedBundle(name, d));
        return true;
      }
      default:
        return false;
    }
  };

  private deletedBundle(name: string, d: DeletedSecret): Record<string, unknown> {
    return {
      ...this.bundle(name, d.versions[d.versions.length - 1]!, false),
      recoveryId: `${this.vaultUrl}/deletedsecrets/${name}`,
      deletedDate: d.deletedDate,
      scheduledPurgeDate: d.deletedDate + RETENTION_DAYS * 86_400,
    };
  }

  private deletedRoute(method: string, name: string | undefined, res: Parameters<SimHandler>[1]): boolean {
    const d = name === undefined ? undefined : this.deleted.get(name);
    if (name === undefined || !d) {
      sendJson(res, 404, kvError("SecretNotFound", `Deleted Secret not found: ${name ?? ""}`));
      return true;
    }
    if (method === "GET") sendJson(res, 200, this.deletedBundle(name, d));
    else if (method === "DELETE") {
      this.deleted.delete(name);
      sendJson(res, 204, undefined);
    } else return false;
    return true;
  }
}
