// A real image registry for integration tests: Debian's docker-registry (distribution 2.8) run as a child process,
// on TLS with a CA made here by openssl, filesystem storage in a temp dir, no auth or htpasswd auth (bcrypt by bcryptjs). Lab nodes trust it through
// /etc/docker/certs.d/<addr>/ca.crt, which dockerd reads on each registry request (no restart).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';
import { run } from '../../src-main/core/lab/exec';

export const REGISTRY_BIN = process.env.FLOTILLA_REGISTRY_BIN || '/usr/bin/docker-registry';

export interface TestRegistry {
  /** host:port, as image references and certs.d spell it */
  addr: string;
  /** the CA certificate (PEM) that signed the server certificate */
  caPem: string;
  /** Docker-Content-Digest of repo:tag as the registry serves it (manifest v2 schema 2) */
  manifestDigest(repo: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function openssl(args: string[]): Promise<void> {
  const r = await run('openssl', args, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.slice(-500)}`);
}

function get(ca: string, url: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** Starts docker-registry on host (an address of this machine the lab nodes reach, e.g. the lab network's gateway). */
export async function startRegistry(host: string, opts: { auth?: { user: string; password: string } } = {}): Promise<TestRegistry> {
  if (!fs.existsSync(REGISTRY_BIN)) {
    throw new Error(`${REGISTRY_BIN} is missing: this test needs a real image registry; install Debian's docker-registry package (apt-get install docker-registry) or point FLOTILLA_REGISTRY_BIN at a distribution 2.x registry binary`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-registry-'));
  let child: ChildProcess | undefined;
  try {
    const port = await freePort(host);
    const addr = `${host}:${port}`;
    // a CA, and a server certificate for the IP (Go wants it in the SAN)
    const f = (n: string) => path.join(dir, n);
    await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=flotilla test registry CA', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${host}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
    fs.writeFileSync(f('san.ext'), `subjectAltName=IP:${host}\nextendedKeyUsage=serverAuth\n`);
    await openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('san.ext'), '-out', f('server.crt')]);
    fs.mkdirSync(path.join(dir, 'data'));
    const authLines: string[] = [];
    if (opts.auth) {
      // distribution's htpasswd takes bcrypt only; openssl cannot make it, bcryptjs can
      const hash = bcrypt.hashSync(opts.auth.password, 6);
      fs.writeFileSync(f('htpasswd'), `${opts.auth.user}:${hash}\n`, { mode: 0o600 });
      authLines.push('auth:', '  htpasswd:', '    realm: flotilla-test', `    path: ${f('htpasswd')}`);
    }
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${path.join(dir, 'data')}`,
        'http:',
        `  addr: ${addr}`,
        '  tls:',
        `    certificate: ${path.join(dir, 'server.crt')}`,
        `    key: ${path.join(dir, 'server.key')}`,
        ...authLines,
        '',
      ].join('\n'),
    );
    const caPem = fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8');
    let log = '';
    const proc = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    let exited: number | null | undefined;
    proc.on('exit', (code) => (exited = code));
    // up when /v2/ answers over TLS with our CA (401 when it asks for a login)
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (exited !== undefined) throw new Error(`${REGISTRY_BIN} exited (${exited}) at start: ${log}`);
      try {
        const r = await get(caPem, `https://${addr}/v2/`, 'GET', {});
        if (r.status === 200 || (opts.auth && r.status === 401)) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${REGISTRY_BIN} did not answer https://${addr}/v2/ within 30 s: ${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return {
      addr,
      caPem,
      async manifestDigest(repo, tag) {
        const basic: Record<string, string> = opts.auth ? { Authorization: `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}` } : {};
        const r = await get(caPem, `https://${addr}/v2/${repo}/manifests/${tag}`, 'HEAD', { Accept: 'application/vnd.docker.distribution.manifest.v2+json', ...basic });
        const d = r.headers['docker-content-digest'];
        if (r.status !== 200 || typeof d !== 'string') throw new Error(`registry ${addr}: HEAD ${repo}:${tag} gave ${r.status}`);
        return d;
      },
      async stop() {
        if (exited === undefined) {
          const gone = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
          if (exited === undefined) proc.kill('SIGKILL');
        }
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    child?.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Makes a lab node's dockerd trust the registry (certs.d is read on every registry request: no restart). */
export async function trustRegistryOn(nodeName: string, reg: TestRegistry): Promise<void> {
  const d = `/etc/docker/certs.d/${reg.addr}`;
  const r = await run('docker', ['exec', '-i', nodeName, 'sh', '-c', `mkdir -p '${d}' && cat > '${d}/ca.crt'`], { input: reg.caPem, timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`could not install the registry CA in ${nodeName}:${d}: ${r.stderr}`);
}

/** Removes that trust again (the lab outlives the test). */
export async function untrustRegistryOn(nodeName: string, reg: TestRegistry): Promise<void> {
  await run('docker', ['exec', nodeName, 'rm', '-rf', `/etc/docker/certs.d/${reg.addr}`], { timeoutMs: 30_000 });
}
