// Deploy history: $FLOTILLA_HOME/stacks/<engine>/<stack>/history/<n>/ keeps the compose files and the variables
// used (never secret or config file contents: only their paths and sha256), so a stack can be diffed and rolled back.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { writeFileAtomic } from '../fsutil';
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
  variables: Record<string, string>;
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

export function listHistory(home: string, engine: string, stack: string): HistoryEntry[] {
  const dir = historyDir(home, engine, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .map((d) => JSON.parse(fs.readFileSync(path.join(dir, d, 'deploy.json'), 'utf8')) as HistoryEntry)
    .sort((a, b) => a.n - b.n);
}

export function readHistory(home: string, engine: string, stack: string, n: number): { entry: HistoryEntry; contents: Array<{ file: string; content: string }> } {
  const dir = path.join(historyDir(home, engine, stack), String(n));
  if (!fs.existsSync(path.join(dir, 'deploy.json'))) throw new FlotillaError('NOT_FOUND', `no deployment ${n} of stack ${stack} on ${engine}: list them with \`flotilla stack history ${stack}\``);
  const entry = JSON.parse(fs.readFileSync(path.join(dir, 'deploy.json'), 'utf8')) as HistoryEntry;
  const contents = entry.files.map((f, i) => ({ file: entry.sources[i] ?? f, content: fs.readFileSync(path.join(dir, 'files', f), 'utf8') }));
  return { entry, contents };
}

type DeployRecord = Omit<HistoryEntry, 'n' | 'time' | 'files' | 'objectFiles' | 'services'> & { contents: Array<{ file: string; content: string }>; config: ComposeConfig };

/** Records a deploy as the stack's next number, under history/.lock so concurrent deploys (processes) get distinct numbers. */
export async function recordDeploy(home: string, args: DeployRecord): Promise<HistoryEntry> {
  return withFileLock(path.join(historyDir(home, args.engine, args.stack), '.lock'), () => writeDeploy(home, args), 60_000);
}

async function writeDeploy(home: string, args: DeployRecord): Promise<HistoryEntry> {
  const dir = historyDir(home, args.engine, args.stack);
  fs.mkdirSync(dir, { recursive: true });
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
  const { contents, config, ...rest } = args;
  const entry: HistoryEntry = { ...rest, n, time: new Date().toISOString(), files, objectFiles, services: config.services.map((s) => s.name) };
  const target = path.join(dir, String(n));
  fs.mkdirSync(path.join(target, 'files'), { recursive: true });
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
