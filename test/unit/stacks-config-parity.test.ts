// Issue 22: generated compose files through `flotilla stack config` (the core's load + print, which the CLI command
// calls) and `docker stack config` (the CLI 28 binary; it needs no engine). For every file: both refuse or both
// accept, and when both accept, the printed text is the same byte for byte. FLOTILLA_PARITY_RUNS sets the count
// (CI: the default), FLOTILLA_FUZZ_SEED replays a run.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { renderConfig } from '../../src-main/core/stacks/index';
import { loadStack } from '../../src-main/core/stacks/loader';
import { chooseSchema, deepestSchemaErrorFields } from '../../src-main/core/stacks/schema';
import { isDict, type Json } from '../../src-main/core/stacks/types';
import { parseYaml } from '../../src-main/core/stacks/yaml';
import { composeDoc, write, type Format } from '../support/compose-gen';

const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => fs.existsSync(p));
const RUNS = Number(process.env.FLOTILLA_PARITY_RUNS ?? 2000);
const SEED = Number(process.env.FLOTILLA_FUZZ_SEED ?? 22);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-parity-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function dockerConfig(file: string): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(DOCKER!, ['stack', 'config', '-c', file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, encoding: 'utf8', timeout: 30_000 }, (e, out, err) => resolve({ ok: !e, out, err: err.trim() }));
  });
}

interface Outcome {
  ok: boolean;
  out: string;
  err: string;
}

function flotillaConfig(file: string, content: string): Outcome {
  const r = loadStack({ files: [{ file, content }], env: { PATH: process.env.PATH ?? '', HOME: dir }, workingDir: path.dirname(file), home: dir, forConfig: true });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !r.config) return { ok: false, out: '', err: errors.map((d) => `${d.path}: ${d.message}`).join('; ') };
  return { ok: true, out: renderConfig(r.config), err: '' };
}

/** whether docker's field is one of the errors as deep as the one Flotilla named (docker's pick among those follows Go's map order) */
function equallyDeep(content: string, format: Format, field: string): boolean {
  const dict = (format === 'json' ? JSON.parse(content) : parseYaml(content).value) as Json;
  const version = isDict(dict) && typeof dict.version === 'string' ? dict.version : '3.13';
  try {
    return deepestSchemaErrorFields(dict, chooseSchema(version).used).includes(field);
  } catch {
    return false;
  }
}

describe('stack config against docker stack config, on generated files', () => {
  it(`agrees on ${RUNS} generated files (accept/refuse, and the printed text)`, async () => {
    expect(DOCKER, 'the docker CLI is needed (apt-get install docker.io; CLI 28 at /usr/local/bin/docker is the reference)').toBeDefined();
    const docs = fc.sample(fc.tuple(composeDoc, fc.constantFrom<Format>('json', 'block', 'flow', 'anchors')), { numRuns: RUNS, seed: SEED });
    const disagreements: string[] = [];
    const stats = { bothAccept: 0, bothRefuse: 0 };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < docs.length) {
        const i = next++;
        const [doc, format] = docs[i]!;
        const file = path.join(dir, `f${i}.${format === 'json' ? 'json' : 'yml'}`);
        const content = write(doc, format);
        fs.writeFileSync(file, content);
        const [d, f] = [await dockerConfig(file), flotillaConfig(file, content)];
        if (d.ok && f.ok) {
          stats.bothAccept++;
          if (d.out !== f.out) disagreements.push(`#${i} ${format}: printed text differs\n--- file\n${content}--- docker\n${d.out}--- flotilla\n${f.out}`);
        } else if (!d.ok && !f.ok) {
          // docker names the field first (`services.web.image must be a string`, `(root) Additional property ...`)
          const field = /^([\w.-]+|\(root\)) /.exec(d.err)?.[1];
          if (field && /^(services|networks|volumes|secrets|configs)\./.test(field) && !f.err.includes(field) && !equallyDeep(content, format, field)) disagreements.push(`#${i} ${format}: both refuse, docker at ${field} (${d.err}), flotilla elsewhere (${f.err})\n--- file\n${content}`);
          stats.bothRefuse++;
          if (process.env.FLOTILLA_PARITY_REFUSALS) fs.appendFileSync(process.env.FLOTILLA_PARITY_REFUSALS, `${d.err.split('\n')[0]} || ${f.err.split('\n')[0]}\n`);
        }
        else disagreements.push(`#${i} ${format}: docker ${d.ok ? 'accepts' : `refuses (${d.err})`}, flotilla ${f.ok ? 'accepts' : `refuses (${f.err})`}\n--- file\n${content}`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    process.stderr.write(`[parity] ${RUNS} files (seed ${SEED}): both accept ${stats.bothAccept}, both refuse ${stats.bothRefuse}, disagree ${disagreements.length}\n`);
    if (process.env.FLOTILLA_PARITY_DUMP) fs.writeFileSync(process.env.FLOTILLA_PARITY_DUMP, disagreements.join('\n\n========\n\n'));
    expect(disagreements.slice(0, 3)).toEqual([]);
  }, 900_000);
});
