// Engines over verified TLS (tcp://IP:2376): lab node 3's dockerd is given a server certificate made here
// with openssl (SAN = the node's IP) through a systemd drop-in, keeping its unix socket.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectEngine, parseEngineUrl, type EngineConnection, type TlsFiles } from '../../src-main/core/engine';
import { loadTlsContext, tlsReacher } from '../../src-main/core/engine/tls';
import { describeLab, labNodes, type LabNode } from '../support/lab';
import { checkEventsCancel, checkExec, checkLogsFollowCancel, checkVersion, dockerCli, inNode, waitFor } from './engine-shared';

const pexec = promisify(execFile);
const openssl = async (dir: string, ...args: string[]): Promise<void> => void (await pexec('openssl', args, { cwd: dir }));

const NODE_TLS_DIR = '/etc/docker/flotilla-test-tls';
const DROP_IN = '/etc/systemd/system/docker.service.d/flotilla-tls.conf';

let node: LabNode;
let tmp: string;
let files: TlsFiles;
let url: string;
let conn: EngineConnection;

async function makeCa(dir: string, name: string): Promise<void> {
  await openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '30', '-sha256', '-subj', `/CN=${name}`);
}

async function issue(dir: string, ca: string, name: string, cn: string, ext: string): Promise<void> {
  fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
  await openssl(dir, 'req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  await openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}-key.pem`, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}-cert.pem`);
}

async function tlsAnswers(): Promise<boolean> {
  return (await inNode(node.name, "ss -Htln '( sport = :2376 )' | wc -l")).trim() !== '0';
}

/** Gives node 3's dockerd TLS on 2376 (once; later runs reuse its CA) and returns a fresh client certificate. */
async function setUpTls(): Promise<void> {
  const configured = (await inNode(node.name, `test -f ${NODE_TLS_DIR}/ca-key.pem && test -f ${DROP_IN} && echo yes || echo no`)).trim() === 'yes';
  if (configured && (await tlsAnswers())) {
    await dockerCli(['cp', `${node.name}:${NODE_TLS_DIR}/ca.pem`, path.join(tmp, 'ca.pem')]);
    await dockerCli(['cp', `${node.name}:${NODE_TLS_DIR}/ca-key.pem`, path.join(tmp, 'ca-key.pem')]);
  } else {
    await makeCa(tmp, 'ca');
    await issue(tmp, 'ca', 'server', node.name, `subjectAltName=IP:${node.ip},DNS:${node.name}\nextendedKeyUsage=serverAuth\n`);
    await inNode(node.name, `mkdir -p ${NODE_TLS_DIR} /etc/systemd/system/docker.service.d`);
    for (const f of ['ca.pem', 'ca-key.pem', 'server-cert.pem', 'server-key.pem']) await dockerCli(['cp', path.join(tmp, f), `${node.name}:${NODE_TLS_DIR}/${f}`]);
    const dropIn = [
      '[Service]',
      'ExecStart=',
      `ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://0.0.0.0:2376 --tlsverify --tlscacert=${NODE_TLS_DIR}/ca.pem --tlscert=${NODE_TLS_DIR}/server-cert.pem --tlskey=${NODE_TLS_DIR}/server-key.pem --containerd=/run/containerd/containerd.sock $DOCKER_OPTS`,
      '',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'drop-in.conf'), dropIn);
    await dockerCli(['cp', path.join(tmp, 'drop-in.conf'), `${node.name}:${DROP_IN}`]);
    await inNode(node.name, 'systemctl daemon-reload && systemctl restart docker', 180_000);
    await waitFor('dockerd on node 3 to listen on 2376', tlsAnswers, 60_000);
  }
  await issue(tmp, 'ca', 'client', 'flotilla-test-client', 'extendedKeyUsage=clientAuth\n');
  files = { ca: path.join(tmp, 'ca.pem'), cert: path.join(tmp, 'client-cert.pem'), key: path.join(tmp, 'client-key.pem') };
}

describeLab('engine over TLS', () => {
  beforeAll(async () => {
    node = labNodes()[2];
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-tls-'));
    await setUpTls();
    url = `tcp://${node.ip}:2376`;
    conn = await connectEngine(parseEngineUrl(url, { tlscacert: files.ca, tlscert: files.cert, tlskey: files.key }));
  });
  afterAll(async () => {
    await conn?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers version and info like the docker CLI over TLS (and the unix socket still works)', async () => {
    expect(conn.url).toBe(url);
    const oracle = await dockerCli(['--tlsverify', `--tlscacert=${files.ca}`, `--tlscert=${files.cert}`, `--tlskey=${files.key}`, '-H', url, 'version', '--format', '{{.Server.Version}}']);
    await checkVersion(conn, oracle);
    expect((await inNode(node.name, "docker version --format '{{.Server.Version}}'")).trim()).toBe(oracle.trim());
  });

  it('streams events, follows logs and attaches exec, each closing cleanly on cancel', async () => {
    await checkEventsCancel(conn);
    await checkLogsFollowCancel(conn);
    await checkExec(conn);
  });

  it('says which TLS file is missing', async () => {
    const missing = path.join(tmp, 'nope.pem');
    await expect(connectEngine({ kind: 'tcp', host: node.ip, port: 2376, tls: { ...files, ca: missing } })).rejects.toThrow(`the TLS file ${missing} (--tlscacert) for ${url} does not exist`);
  });

  it('rejects an engine certificate not signed by the given CA', async () => {
    await makeCa(tmp, 'other-ca');
    const c = await connectEngine({ kind: 'tcp', host: node.ip, port: 2376, tls: { ...files, ca: path.join(tmp, 'other-ca.pem') } });
    try {
      await expect(c.docker.version()).rejects.toThrow(new RegExp(`presented a certificate that is not signed by the CA in ${path.join(tmp, 'other-ca.pem').replace(/[.]/g, '\\.')}`));
      expect(c.openChannels()).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('says when the engine rejects the client certificate, and when a TLS port gets plain HTTP', async () => {
    await makeCa(tmp, 'rogue-ca');
    await issue(tmp, 'rogue-ca', 'rogue', 'rogue-client', 'extendedKeyUsage=clientAuth\n');
    const rogue = await connectEngine({ kind: 'tcp', host: node.ip, port: 2376, tls: { ca: files.ca, cert: path.join(tmp, 'rogue-cert.pem'), key: path.join(tmp, 'rogue-key.pem') } });
    await expect(rogue.docker.version()).rejects.toThrow(`the engine at ${url} rejected the client certificate ${path.join(tmp, 'rogue-cert.pem')}`);
    await rogue.close();
    const plain = await connectEngine({ kind: 'tcp', host: node.ip, port: 2376 });
    await expect(plain.docker.version()).rejects.toThrow(`${url} expects TLS`);
    await plain.close();
  });

  it('says when nothing listens on the port, and when the address does not answer', async () => {
    const refused = await connectEngine({ kind: 'tcp', host: node.ip, port: 2399, tls: files });
    await expect(refused.docker.version()).rejects.toThrow(`tcp://${node.ip}:2399 refused the connection`);
    await refused.close();
    const gone = await connectEngine({ kind: 'tcp', host: '10.88.0.250', port: 2376, tls: files }, { timeoutMs: 3000 });
    await expect(gone.docker.version()).rejects.toThrow(/tcp:\/\/10\.88\.0\.250:2376 (is unreachable|did not answer within 3 s)/);
    await gone.close();
  });

  it('reaches the engine with a TLS handshake and no request (resumed after the first), logged by neither side; a cut port fails in time', async () => {
    const since = (await inNode(node.name, "date -u '+%Y-%m-%d %H:%M:%S'")).trim();
    const handshakes: boolean[] = [];
    const reach = tlsReacher(node.ip, 2376, loadTlsContext(files, url), (h) => handshakes.push(h.resumed));
    for (let i = 0; i < 5; i++) {
      await expect(reach(AbortSignal.timeout(5_000))).resolves.toBe(true);
      await new Promise((r) => setTimeout(r, 100)); // the session ticket arrives after the handshake
    }
    expect(handshakes).toHaveLength(5);
    expect(handshakes[0]).toBe(false);
    expect(handshakes.slice(1).every(Boolean), `handshakes resumed: ${JSON.stringify(handshakes)}`).toBe(true);
    // the connection's own reach is the same (a fresh session on first use)
    await expect(conn.reach!(AbortSignal.timeout(5_000))).resolves.toBe(true);
    // dockerd logs an unfinished handshake ("http: TLS handshake error ... EOF"); these finished, so nothing
    // (journalctl fails the exec on a date it cannot read: this cannot pass by reading nothing)
    const journal = await inNode(node.name, `journalctl -u docker --since '${since} UTC' --no-pager -o cat`);
    expect(journal.split('\n').filter((l) => l.includes('TLS handshake error'))).toEqual([]);
    await inNode(node.name, 'iptables -I INPUT -p tcp --dport 2376 -j DROP');
    try {
      const t0 = Date.now();
      await expect(conn.reach!(AbortSignal.timeout(1_000))).rejects.toThrow(/timed out/);
      expect(Date.now() - t0, 'the reach failed when its signal aborted, not later').toBeLessThan(10_000);
    } finally {
      await inNode(node.name, 'iptables -D INPUT -p tcp --dport 2376 -j DROP');
    }
    await expect(conn.reach!(AbortSignal.timeout(5_000))).resolves.toBe(true);
  });
});
