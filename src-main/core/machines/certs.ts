// TLS material with node-forge: one CA and one client certificate per store (certs/), a server
// certificate per machine with SANs for its IPs, hostname, localhost and any extras.
// Keys are RSA 2048 made by Node's crypto (fast), certificates are built and signed by forge.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { withFileLock } from '../filelock';
import type { MachineStore } from './store';

const VALID_DAYS = 1080;

export interface CertInfo {
  subject: string;
  notBefore: string;
  notAfter: string;
  sans: string[];
}

function rsaKeyPem(): string {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

function serial(): string {
  // positive 128-bit serial
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

function baseCert(publicKey: forge.pki.PublicKey, org: string, cn?: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 5 * 60_000);
  cert.validity.notAfter = new Date(now + VALID_DAYS * 86_400_000);
  const attrs: forge.pki.CertificateField[] = [{ name: 'organizationName', value: org }];
  if (cn) attrs.push({ name: 'commonName', value: cn });
  cert.setSubject(attrs);
  return cert;
}

function user(): string {
  try {
    return os.userInfo().username || 'flotilla';
  } catch {
    return 'flotilla';
  }
}

export interface Pem {
  cert: string;
  key: string;
}

export function makeCa(): Pem {
  const key = rsaKeyPem();
  const priv = forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey;
  const pub = forge.pki.setRsaPublicKey(priv.n, priv.e);
  const cert = baseCert(pub, user(), 'Flotilla CA');
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(priv, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key };
}

function signWithCa(cert: forge.pki.Certificate, ca: Pem): void {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  cert.setIssuer(caCert.subject.attributes);
  cert.sign(caKey, forge.md.sha256.create());
}

function leafKey(): { key: string; pub: forge.pki.PublicKey } {
  const key = rsaKeyPem();
  const priv = forge.pki.privateKeyFromPem(key) as forge.pki.rsa.PrivateKey;
  return { key, pub: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

export function makeClientCert(ca: Pem): Pem {
  const { key, pub } = leafKey();
  const cert = baseCert(pub, `${user()}.client`, 'flotilla-client');
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
  signWithCa(cert, ca);
  return { cert: forge.pki.certificateToPem(cert), key };
}

/** SANs: every IP and name given, plus localhost and 127.0.0.1; duplicates dropped. */
export function serverSans(hosts: string[]): Array<{ type: 2; value: string } | { type: 7; ip: string }> {
  const seen = new Set<string>();
  const out: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [];
  for (const h of [...hosts, 'localhost', '127.0.0.1']) {
    const v = h.trim();
    if (!v || seen.has(v)) continue;
    seen.add(v);
    out.push(net.isIP(v) ? { type: 7, ip: v } : { type: 2, value: v });
  }
  return out;
}

export function makeServerCert(ca: Pem, machineName: string, hosts: string[]): Pem {
  const { key, pub } = leafKey();
  const cert = baseCert(pub, `${user()}.${machineName}`, machineName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: serverSans([machineName, ...hosts]) },
  ]);
  signWithCa(cert, ca);
  return { cert: forge.pki.certificateToPem(cert), key };
}

export function certInfo(pem: string): CertInfo {
  const c = forge.pki.certificateFromPem(pem);
  const ext = c.getExtension('subjectAltName') as { altNames?: Array<{ type: number; value?: string; ip?: string }> } | undefined;
  return {
    subject: c.subject.attributes.map((a) => `${a.shortName ?? a.name}=${String(a.value)}`).join(', '),
    notBefore: c.validity.notBefore.toISOString(),
    notAfter: c.validity.notAfter.toISOString(),
    sans: (ext?.altNames ?? []).map((a) => (a.type === 7 ? (a.ip ?? '') : (a.value ?? ''))),
  };
}

function expired(pem: string): boolean {
  try {
    return forge.pki.certificateFromPem(pem).validity.notAfter.getTime() < Date.now() + 86_400_000;
  } catch {
    return true;
  }
}

async function readPem(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The store's CA and client certificate: made when missing or expired (or when `force`). One bootstrap at a time
 * across processes (certs.lock), so parallel creates in a fresh store share one CA.
 */
export function ensureStoreCerts(store: MachineStore, force = false): Promise<{ ca: Pem; client: Pem }> {
  return withFileLock(path.join(store.root, 'certs.lock'), () => bootstrapStoreCerts(store, force), 120_000);
}

async function bootstrapStoreCerts(store: MachineStore, force: boolean): Promise<{ ca: Pem; client: Pem }> {
  const d = store.certsDir;
  const f = { ca: path.join(d, 'ca.pem'), caKey: path.join(d, 'ca-key.pem'), cert: path.join(d, 'cert.pem'), key: path.join(d, 'key.pem') };
  let caCert = await readPem(f.ca);
  let caKey = await readPem(f.caKey);
  let madeCa = false;
  if (force || !caCert || !caKey || expired(caCert)) {
    const ca = makeCa();
    caCert = ca.cert;
    caKey = ca.key;
    await store.writeSecret(f.caKey, caKey);
    await store.writeSecret(f.ca, caCert);
    madeCa = true;
  }
  const ca = { cert: caCert, key: caKey };
  let cert = await readPem(f.cert);
  let key = await readPem(f.key);
  if (madeCa || !cert || !key || expired(cert)) {
    const c = makeClientCert(ca);
    cert = c.cert;
    key = c.key;
    await store.writeSecret(f.key, key);
    await store.writeSecret(f.cert, cert);
  }
  return { ca, client: { cert, key } };
}

/** Writes a new server certificate for the machine plus the client files docker's DOCKER_CERT_PATH wants. */
export async function writeMachineCerts(store: MachineStore, name: string, hosts: string[]): Promise<{ ca: Pem; server: Pem }> {
  const { ca, client } = await ensureStoreCerts(store);
  const server = makeServerCert(ca, name, hosts);
  const dir = store.machineDir(name);
  const tls = store.tlsFiles(name);
  await store.writeSecret(path.join(dir, 'server-key.pem'), server.key);
  await store.writeSecret(path.join(dir, 'server.pem'), server.cert);
  await store.writeSecret(tls.ca, ca.cert);
  await store.writeSecret(tls.cert, client.cert);
  await store.writeSecret(tls.key, client.key);
  return { ca, server };
}
