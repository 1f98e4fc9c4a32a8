// `machine scp -r` against a hostile SFTP server: an in-process ssh2 Server on 127.0.0.1 whose directory
// listings name entries that would land outside the target folder (the class of scp's CVE-2019-6111).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, utils, type Attributes, type SFTPWrapper } from 'ssh2';
import { FlotillaError } from '../../api/errors';
import { checkEntryName, download, SshSession, type SshTarget } from './ssh';

const { STATUS_CODE } = utils.sftp;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/** the server's whole file system: folder -> entries (a string is a file's content) */
type Tree = Record<string, Record<string, string | null>>;

const attrs = (isDir: boolean, size: number): Attributes => ({ mode: (isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644), uid: 0, gid: 0, size, atime: 0, mtime: 0 });

function serveSftp(sftp: SFTPWrapper, tree: Tree): void {
  const handles = new Map<string, { path: string; listed?: boolean }>();
  let next = 0;
  const newHandle = (p: string): Buffer => {
    const h = Buffer.from(String(next++));
    handles.set(h.toString(), { path: p });
    return h;
  };
  const lookup = (p: string): { isDir: boolean; content: string } | undefined => {
    if (p in tree) return { isDir: true, content: '' };
    const dir = path.posix.dirname(p);
    const c = tree[dir]?.[path.posix.basename(p)];
    return typeof c === 'string' ? { isDir: false, content: c } : undefined;
  };
  const stat = (reqid: number, p: string): void => {
    const f = lookup(p);
    if (!f) sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
    else sftp.attrs(reqid, attrs(f.isDir, f.content.length));
  };
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);
  sftp.on('OPENDIR', (reqid, p) => (p in tree ? sftp.handle(reqid, newHandle(p)) : sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)));
  sftp.on('READDIR', (reqid, h) => {
    const st = handles.get(h.toString());
    if (!st || st.listed) return sftp.status(reqid, STATUS_CODE.EOF);
    st.listed = true;
    sftp.name(
      reqid,
      Object.entries(tree[st.path]).map(([filename, c]) => ({ filename, longname: filename, attrs: attrs(c === null, c?.length ?? 0) })),
    );
  });
  sftp.on('OPEN', (reqid, p) => (lookup(p) ? sftp.handle(reqid, newHandle(p)) : sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE)));
  sftp.on('FSTAT', (reqid, h) => stat(reqid, handles.get(h.toString())?.path ?? ''));
  sftp.on('READ', (reqid, h, offset, length) => {
    const data = Buffer.from(lookup(handles.get(h.toString())?.path ?? '')?.content ?? '');
    if (offset >= data.length) sftp.status(reqid, STATUS_CODE.EOF);
    else sftp.data(reqid, data.subarray(offset, offset + length));
  });
  sftp.on('CLOSE', (reqid, h) => {
    handles.delete(h.toString());
    sftp.status(reqid, STATUS_CODE.OK);
  });
  sftp.on('REALPATH', (reqid, p) => sftp.name(reqid, [{ filename: p, longname: p, attrs: attrs(true, 0) }]));
}

let server: Server;
let tree: Tree = {};
let dir: string;
let target: SshTarget;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-scp-'));
  const hostKey = utils.generateKeyPairSync('ed25519');
  const clientKey = utils.generateKeyPairSync('ed25519');
  await fs.writeFile(path.join(dir, 'id_ed25519'), clientKey.private, { mode: 0o600 });
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('authentication', (ctx) => (ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey'])));
    client.on('session', (accept) => accept().on('sftp', (acceptSftp) => serveSftp(acceptSftp(), tree)));
    client.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port, user: 'docker', privateKeyPath: path.join(dir, 'id_ed25519'), knownHostsFile: path.join(dir, 'known_hosts') };
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fs.rm(dir, { recursive: true, force: true });
});

async function copyFrom(remote: string, into: string): Promise<void> {
  const s = await SshSession.connect(target, { timeoutMs: 10_000 });
  try {
    await download(s, remote, into, true);
  } finally {
    s.close();
  }
}

/** every file under `root`, relative */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(root, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.relative(root, path.join(e.parentPath, e.name)));
  return out.sort();
}

describe('machine scp -r refuses names the server sends that are not plain names', () => {
  it('copies an honest folder (the server works)', async () => {
    tree = { '/srv/data': { 'a.txt': 'A', sub: null }, '/srv/data/sub': { 'b.txt': 'B' } };
    const out = path.join(dir, 'honest');
    await fs.mkdir(out);
    await copyFrom('/srv/data', out);
    expect(await filesUnder(out)).toEqual(['data/a.txt', 'data/sub/b.txt']);
    expect(await fs.readFile(path.join(out, 'data/sub/b.txt'), 'utf8')).toBe('B');
  });

  it.each([
    ['../escape.txt'],
    ['../../escape.txt'],
    ['sub/../../escape.txt'],
    ['/tmp/escape.txt'],
    ['..\\escape.txt'],
    ['a\\b'],
    [''],
  ])('a listing naming %j fails with BAD_INPUT naming it, and writes nothing, inside the target or out', async (bad) => {
    // the bad entry comes after a good one, and again one folder down
    tree = { '/srv/data': { 'first.txt': 'ok', sub: null }, '/srv/data/sub': { 'inner.txt': 'in', [bad]: 'pwned' } };
    const box = await fs.mkdtemp(path.join(dir, 'box-'));
    const out = path.join(box, 'target');
    await fs.mkdir(out);
    const err = await copyFrom('/srv/data', out).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlotillaError);
    expect((err as FlotillaError).code).toBe('BAD_INPUT');
    expect((err as FlotillaError).message).toContain(`entry named ${JSON.stringify(bad)} in /srv/data/sub`);
    // nothing outside the target folder; inside, only what came before the bad folder's listing
    expect(await filesUnder(box)).toEqual(['target/data/first.txt']);
  });

  it('the name check itself: . and .. (which ssh2 drops from listings before we see them) and NUL too', () => {
    for (const bad of ['.', '..', '', 'a/b', 'a\\b', 'a\0b']) expect(() => checkEntryName(bad, '/d')).toThrow(/not a plain file name/);
    for (const good of ['a', '.hidden', '..a', 'a..', 'file name with spaces', 'ünïcode']) expect(() => checkEntryName(good, '/d')).not.toThrow();
  });
});
