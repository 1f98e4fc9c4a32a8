// Writing Flotilla's own files: atomic (a temp file beside the target, fsync, rename), and private. Every file
// Flotilla writes is 0600 and every folder it makes 0700 unless a caller says otherwise (a public key); folders
// under FLOTILLA_HOME that an older Flotilla made with default modes are closed when they are written to again.
// Explicit modes and chmod, not the umask: the umask only narrows what open() and mkdir() are given.
import fs from 'node:fs/promises';
import fss from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { flotillaHome } from './paths';

export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/** `dir` and every folder between FLOTILLA_HOME (or `root`) and it, when `dir` is inside; else only `dir` */
function foldersToClose(dir: string, root: string): string[] {
  const abs = path.resolve(dir);
  const top = path.resolve(root);
  const rel = path.relative(top, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return [abs];
  const out = [top];
  let cur = top;
  for (const part of rel.split(path.sep).filter(Boolean)) out.push((cur = path.join(cur, part)));
  return out;
}

/** mkdir -p with mode 0700, then 0700 on the folders from FLOTILLA_HOME down to `dir` that are not already */
export async function ensurePrivateDir(dir: string, root: string = flotillaHome()): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  for (const d of foldersToClose(dir, root)) {
    const st = await fs.stat(d);
    if ((st.mode & 0o777) !== PRIVATE_DIR) await fs.chmod(d, PRIVATE_DIR);
  }
}

export function ensurePrivateDirSync(dir: string, root: string = flotillaHome()): void {
  fss.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  for (const d of foldersToClose(dir, root)) {
    if ((fss.statSync(d).mode & 0o777) !== PRIVATE_DIR) fss.chmodSync(d, PRIVATE_DIR);
  }
}

const tempBeside = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);

export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
  const mode = opts.mode ?? PRIVATE_FILE;
  await ensurePrivateDir(path.dirname(file));
  const tmp = tempBeside(file);
  const fh = await fs.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.chmod(tmp, mode);
  await fs.rename(tmp, file);
}

export function writeFileAtomicSync(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const mode = opts.mode ?? PRIVATE_FILE;
  ensurePrivateDirSync(path.dirname(file));
  const tmp = tempBeside(file);
  const fd = fss.openSync(tmp, 'w', mode);
  try {
    fss.writeFileSync(fd, data);
    fss.fsyncSync(fd);
  } finally {
    fss.closeSync(fd);
  }
  fss.chmodSync(tmp, mode);
  fss.renameSync(tmp, file);
}

export async function writeJsonAtomic(file: string, value: unknown, opts: { mode?: number } = {}): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n', opts);
}

/** appends to a log-like file, made 0600 (and made 0600 again if an older version left it open) */
export async function appendPrivateFile(file: string, data: string): Promise<void> {
  await ensurePrivateDir(path.dirname(file));
  await fs.appendFile(file, data, { mode: PRIVATE_FILE });
  if (((await fs.stat(file)).mode & 0o777) !== PRIVATE_FILE) await fs.chmod(file, PRIVATE_FILE);
}

export function appendPrivateFileSync(file: string, data: string): void {
  ensurePrivateDirSync(path.dirname(file));
  fss.appendFileSync(file, data, { mode: PRIVATE_FILE });
  if ((fss.statSync(file).mode & 0o777) !== PRIVATE_FILE) fss.chmodSync(file, PRIVATE_FILE);
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
