// Deploy history: $FLOTILLA_HOME/stacks/<engine>/<stack>/history/<n>/ keeps the compose files as written (before
// interpolation), the names of the variables used with a keyed hash of each value (never the values), and secret and
// config files only as paths and sha256, so a stack can be diffed and rolled back.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { ensurePrivateDirSync, writeFileAtomic, writeFileAtomicSync } from '../fsutil';
import { withFileLock } from '../filelock';
import type { ComposeConfig } from './model';

export interface HistoryEntry {
  n: number;
  time: string;
  stack: string;
  engine: string;
  files: string[];
  /** original paths of the compose files */
  sources: string[];
  workingDir: string;
  /** names of the variables the files used that were set */
  variables: string[];
  /** name -> keyed hash of the value (HMAC-SHA256 with this home's history key): equal values, equal hashes */
  variableHashes: Record<string, string>;
  dotEnvFile?: string;
  options: { prune?: boolean; resolveImage?: string; withRegistryAuth?: boolean };
  /** secret and config files by path, as sha256 (never their contents) */
  objectFiles: Record<string, string>;
  services: string[];
}

const safe = (s: string) => s.replace(/[^a-zA-Z0-9._-]/g, '_');

export function historyDir(home: string, engine: string, stack: string): string {
  return path.join(home, 'stacks', safe(engine), safe(stack), 'history');
}

/** The key that makes the value hashes useless for guessing without this home: 32 random bytes, made on first use. */
function historyKey(home: string): Buffer {
  const file = path.join(home, 'stacks', 'history-key');
  try {
    const key = fs.readFileSync(file);
    if (key.length >= 32) return key;
  } catch {
    /* made below */
  }
  ensurePrivateDirSync(path.dirname(file), home);
  // link() refuses an existing name: of two processes making the key at once, both end up with the one that won
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, crypto.randomBytes(32), { mode: 0o600 });
  try {
    fs.chmodSync(tmp, 0o600);
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file);
}

/** `hmac-sha256:` and the first 128 bits of the HMAC of the value: enough to tell values apart, never to read them */
export function hashVariables(home: string, values: Record<string, string>): Record<string, string> {
  const key = historyKey(home);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, `hmac-sha256:${crypto.createHmac('sha256', key).update(v).digest('hex').slice(0, 32)}`]));
}

/** reads deploy.json; an entry an older Flotilla wrote with the values themselves is rewritten with hashes first */
function readEntry(home: string, file: string): HistoryEntry {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<HistoryEntry, 'variables'> & { variables: string[] | Record<string, string> };
  if (Array.isArray(raw.variables)) return raw as HistoryEntry;
  const values = raw.variables;
  const entry: HistoryEntry = { ...raw, variables: Object.keys(values).sort(), variableHashes: hashVariables(home, values) };
  writeFileAtomicSync(file, JSON.stringify(entry, null, 2) + '\n');
  return entry;
}

export function listHistory(home: string, engine: string, stack: string): HistoryEntry[] {
  const dir = historyDir(home, engine, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readEntry(home, path.join(dir, d, 'deploy.json')))
    .sort((a, b) => a.n - b.n);
}

export function readHistory(home: string, engine: string, stack: string, n: number): { entry: HistoryEntry; contents: Array<{ file: string; content: string }> } {
  const dir = path.join(historyDir(home, engine, stack), String(n));
  if (!fs.existsSync(path.join(dir, 'deploy.json'))) throw new FlotillaError('NOT_FOUND', `no deployment ${n} of stack ${stack} on ${engine}: list them with \`flotilla stack history ${stack}\``);
  const entry = readEntry(home, path.join(dir, 'deploy.json'));
  const contents = entry.files.map((f, i) => ({ file: entry.sources[i] ?? f, content: fs.readFileSync(path.join(dir, 'files', f), 'utf8') }));
  return { entry, contents };
}

type DeployRecord = Omit<HistoryEntry, 'n' | 'time' | 'files' | 'objectFiles' | 'services' | 'variables' | 'variableHashes'> & {
  contents: Array<{ file: string; content: string }>;
  config: ComposeConfig;
  /** the values used: only their names and hashes are kept */
  variables: Record<string, string>;
};

/** Records a deploy as the stack's next number, under history/.lock so concurrent deploys (processes) get distinct numbers. */
export async function recordDeploy(home: string, args: DeployRecord): Promise<HistoryEntry> {
  return withFileLock(path.join(historyDir(home, args.engine, args.stack), '.lock'), () => writeDeploy(home, args), 60_000);
}

async function writeDeploy(home: string, args: DeployRecord): Promise<HistoryEntry> {
  const dir = historyDir(home, args.engine, args.stack);
  ensurePrivateDirSync(dir, home);
  const n = Math.max(0, ...listHistory(home, args.engine, args.stack).map((e) => e.n)) + 1;
  const files = args.contents.map((c, i) => `${i + 1}-${safe(path.basename(c.file === '-' ? 'stdin.yml' : c.file))}`);
  const objectFiles: Record<string, string> = {};
  for (const o of [...Object.values(args.config.secrets), ...Object.values(args.config.configs)]) {
    if (!o.file) continue;
    try {
      objectFiles[o.file] = crypto.createHash('sha256').update(fs.readFileSync(o.file)).digest('hex');
    } catch {
      objectFiles[o.file] = 'unreadable';
    }
  }
  const { contents, config, variables, ...rest } = args;
  const entry: HistoryEntry = {
    ...rest,
    n,
    time: new Date().toISOString(),
    files,
    variables: Object.keys(variables).sort(),
    variableHashes: hashVariables(home, variables),
    objectFiles,
    services: config.services.map((s) => s.name),
  };
  const target = path.join(dir, String(n));
  ensurePrivateDirSync(path.join(target, 'files'), home);
  for (const [i, c] of contents.entries()) await writeFileAtomic(path.join(target, 'files', files[i]), c.content);
  await writeFileAtomic(path.join(target, 'deploy.json'), JSON.stringify(entry, null, 2) + '\n');
  return entry;
}

/** a line diff (LCS) between two texts, `-`/`+`/` ` prefixed */
export function lineDiff(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const dp = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) dp[i][j] = x[i] === y[j] ? dp[i + 1][j + 1] + 1 : Math.max(dp[i + 1][j], dp[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push(`  ${x[i]}`);
      i++;
      j++;
    } else if (j < y.length && (i >= x.length || dp[i][j + 1] >= dp[i + 1][j])) out.push(`+ ${y[j++]}`);
    else out.push(`- ${x[i++]}`);
  }
  return out;
}
