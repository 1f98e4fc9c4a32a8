// The layering table of eslint.config.js, tried the way a developer would break it: for each forbidden edge a probe
// file is written into the folder it starts from, importing a real file of the folder it must not reach, once by the
// short relative path (`../core/x`) and once by the path from the repository root (`../../src-main/core/x`), and
// ESLint's own Node API must refuse it with the layering rule. Allowed edges are probed the same way and must pass,
// so a rule that refuses everything fails here too. The probes are removed afterwards.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESLint, type Linter } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RULE = 'boundaries/dependencies';

/** the folders of the table, by the element type eslint.config.js gives them (views: one element per view) */
const folders = {
  api: 'src-main/api',
  core: 'src-main/core',
  host: 'src-main/host',
  electron: 'src-main/electron',
  server: 'src-main/server',
  cli: 'src-main/cli',
  'renderer-api': 'src-renderer/api',
  stores: 'src-renderer/stores',
  components: 'src-renderer/components',
  board: 'src-renderer/views/board',
  logs: 'src-renderer/views/logs',
  views: 'src-renderer/views',
  renderer: 'src-renderer',
} as const;
type Folder = keyof typeof folders;
/** the element type each folder's files get in the lint's messages */
const typeOf = (f: Folder): string => (f === 'board' || f === 'logs' || f === 'views' ? 'view' : f);

// a view of one file, directly in views/, written beside the probes (views/ may one day hold only folders)
const oneFileView = path.join(root, folders.views, '__layering-target');

/** a real source file of `folder` (not a test), found now so the probes follow renames: the first by name */
function targetIn(folder: Folder): string {
  if (folder === 'views') return oneFileView;
  const dir = path.join(root, folders[folder]);
  const file = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(spec|test)\.tsx?$/.test(e.name) && !e.name.startsWith('__'))
    .map((e) => e.name)
    .sort()[0];
  if (!file) throw new Error(`no source file in ${folders[folder]} to probe with`);
  return path.join(dir, file).replace(/\.tsx?$/, '');
}

const forbidden: Array<[Folder, Folder]> = [
  // api: nothing of ours
  ['api', 'core'], ['api', 'host'], ['api', 'electron'], ['api', 'server'], ['api', 'cli'], ['api', 'renderer-api'],
  // core: api only (never host, a front end or the renderer)
  ['core', 'host'], ['core', 'electron'], ['core', 'server'], ['core', 'cli'], ['core', 'stores'],
  // host: api and core, never a front end
  ['host', 'electron'], ['host', 'server'], ['host', 'cli'],
  // the front ends: api and host, never the core or one another (the CLI starts the server: `flotilla serve`)
  ['electron', 'core'], ['electron', 'server'], ['electron', 'cli'],
  ['server', 'core'], ['server', 'electron'], ['server', 'cli'],
  ['cli', 'core'], ['cli', 'electron'],
  // the renderer: stores only the renderer api (never views), components no state, a view no other view
  ['renderer-api', 'stores'], ['renderer-api', 'board'],
  ['stores', 'board'], ['stores', 'components'], ['stores', 'renderer'],
  ['components', 'stores'], ['components', 'board'],
  ['board', 'logs'], ['board', 'renderer'], ['board', 'core'], ['board', 'host'],
  ['views', 'board'], ['views', 'views'],
];
const allowed: Array<[Folder, Folder]> = [
  ['core', 'api'], ['host', 'api'], ['host', 'core'],
  ['electron', 'api'], ['electron', 'host'], ['server', 'api'], ['server', 'host'],
  ['cli', 'api'], ['cli', 'host'], ['cli', 'server'],
  ['renderer-api', 'api'], ['stores', 'renderer-api'], ['components', 'api'],
  ['board', 'stores'], ['board', 'components'], ['board', 'renderer-api'], ['board', 'api'], ['board', 'board'],
  ['renderer', 'board'], ['renderer', 'stores'],
];

interface Probe {
  from: Folder;
  to: Folder;
  form: 'relative' | 'from the root';
  specifier: string;
  file: string;
}

const probes: Probe[] = [];
const results = new Map<string, Linter.LintMessage[]>();

function makeProbes(edges: Array<[Folder, Folder]>): void {
  for (const [from, to] of edges) {
    const dir = path.join(root, folders[from]);
    const target = targetIn(to);
    const short = path.relative(dir, target);
    const viaRoot = path.join(path.relative(dir, root), path.relative(root, target));
    for (const [form, spec] of [['relative', short], ['from the root', viaRoot]] as const) {
      const specifier = spec.startsWith('.') ? spec : `./${spec}`;
      const file = path.join(dir, `__layering-probe-${probes.length}.ts`);
      probes.push({ from, to, form, specifier, file });
    }
  }
}

function removeProbes(): void {
  for (const p of probes) fs.rmSync(p.file, { force: true });
  fs.rmSync(`${oneFileView}.ts`, { force: true });
}

describe('the layering table (eslint.config.js)', () => {
  beforeAll(async () => {
    makeProbes(forbidden);
    makeProbes(allowed);
    process.once('exit', removeProbes); // an interrupted run leaves no probe in the tree
    fs.writeFileSync(`${oneFileView}.ts`, 'export const target = 1;\n', { flag: 'wx' });
    for (const p of probes) fs.writeFileSync(p.file, `import * as probe from '${p.specifier}';\nexport const used = probe;\n`, { flag: 'wx' });
    try {
      const eslint = new ESLint({ cwd: root });
      for (const r of await eslint.lintFiles(probes.map((p) => p.file))) results.set(r.filePath, r.messages);
    } finally {
      removeProbes();
    }
  }, 300_000);

  afterAll(removeProbes);

  const rel = (p: Probe) => path.relative(root, p.file);

  it('refuses every forbidden edge, by relative path and by the path from the root', () => {
    const wrong: string[] = [];
    for (const p of probes.slice(0, forbidden.length * 2)) {
      const messages = results.get(p.file);
      expect(messages, `${rel(p)} was not linted`).toBeDefined();
      const hits = (messages ?? []).filter((m) => m.ruleId === RULE && m.severity === 2);
      const named = hits.some((m) => m.message.includes(`type "${typeOf(p.from)}"`) && m.message.includes(`to elements of type "${typeOf(p.to)}"`));
      if (hits.length !== 1 || !named) wrong.push(`${p.from} -> ${p.to} (${p.form}: '${p.specifier}') was not refused: ${JSON.stringify(messages)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('accepts the allowed edges', () => {
    const wrong: string[] = [];
    for (const p of probes.slice(forbidden.length * 2)) {
      const messages = results.get(p.file);
      expect(messages, `${rel(p)} was not linted`).toBeDefined();
      const problems = (messages ?? []).filter((m) => m.ruleId === RULE || m.message.includes('ignored'));
      if (problems.length) wrong.push(`${p.from} -> ${p.to} (${p.form}: '${p.specifier}') was refused: ${problems.map((m) => m.message).join('; ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('leaves no probe behind', () => {
    expect(probes.filter((p) => fs.existsSync(p.file)).map(rel)).toEqual([]);
    expect(fs.existsSync(`${oneFileView}.ts`)).toBe(false);
  });
});

// The temporary exceptions (one file each) may only shrink: an entry whose file no longer breaks the table is a
// hole that would let the file break it again unseen, so it fails here until it is deleted.
describe('the temporary layering exceptions (eslint.config.js)', () => {
  it('are each still needed: without its entry, the file breaks the table', async () => {
    const config = ((await import(pathToFileURL(path.join(root, 'eslint.config.js')).href)) as { default: Linter.Config[] }).default;
    const entries = config.filter((c) => c.name?.startsWith('layering-exception:'));
    const files = entries.map((c) => c.name!.slice('layering-exception:'.length));
    const missing = files.filter((f) => !fs.existsSync(path.join(root, f)));
    expect(missing, 'exceptions for files that no longer exist: delete them').toEqual([]);
    const without = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config.filter((c) => !entries.includes(c)) });
    const stale: string[] = [];
    // lintFiles([]) would lint the whole tree: with no exceptions left there is nothing to check
    for (const r of files.length ? await without.lintFiles(files.map((f) => path.join(root, f))) : []) {
      if (!r.messages.some((m) => m.ruleId === RULE)) stale.push(path.relative(root, r.filePath));
    }
    expect(stale, 'these files keep to the table now: delete their entries from layeringExceptions').toEqual([]);
  }, 300_000);
});
