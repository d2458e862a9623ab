import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";

export interface LocalCertificates {
  /** PEM of the generated CA; processes that talk to the simulated Azure trust it via NODE_EXTRA_CA_CERTS. */
  readonly caCertFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

const DAY = 86_400_000;

function rsaPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey } {
  // Native keygen is ~100x faster than forge's pure-JS one.
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return { pub: forge.pki.publicKeyFromPem(publicKey), priv: forge.pki.privateKeyFromPem(privateKey) };
}

function baseCert(pub: forge.pki.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  // Positive serial: leading byte below 0x80.
  cert.serialNumber = "01" + randomBytes(15).toString("hex");
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + days * DAY);
  return cert;
}

/**
 * A fresh CA and a 127.0.0.1/localhost server certificate it signs, written
 * under `dir`. Generated at every start so that no key is ever committed.
 */
export function generateCertificates(dir: string): LocalCertificates {
  mkdirSync(dir, { recursive: true });
  const ca = rsaPair();
  const caCert = baseCert(ca.pub, 30);
  const caName = [{ name: "commonName", value: "entra-sync local simulated Azure CA" }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());

  const leaf = rsaPair();
  const cert = baseCert(leaf.pub, 29);
  cert.setSubject([{ name: "commonName", value: "localhost" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.priv, forge.md.sha256.create());

  const out = certificatesIn(dir);
  writeFileSync(out.caCertFile, forge.pki.certificateToPem(caCert));
  writeFileSync(out.serverCertFile, forge.pki.certificateToPem(cert));
  writeFileSync(out.serverKeyFile, forge.pki.privateKeyToPem(leaf.priv), { mode: 0o600 });
  return out;
}

/** The file names generateCertificates writes under `dir`. */
export function certificatesIn(dir: string): LocalCertificates {
  return {
    caCertFile: join(dir, "ca.pem"),
    serverCertFile: join(dir, "server.pem"),
    serverKeyFile: join(dir, "server-key.pem"),
  };
}
