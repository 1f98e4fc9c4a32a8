// `npm run bench -- NAME [args]`: bundles bench/NAME.ts with esbuild (npm packages stay external) into
// out/bench/NAME.mjs and runs it. Each bench runs on import and prints its own results.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const name = process.argv[2];
const available = fs.existsSync(path.join(root, 'bench'))
  ? fs
      .readdirSync(path.join(root, 'bench'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
  : [];
if (!name || !/^[\w-]+$/.test(name) || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME\navailable: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}
const outfile = path.join(root, 'out', 'bench', `${name}.mjs`);
await build({
  entryPoints: [path.join(root, 'bench', `${name}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
// the bench sees its own arguments after the name
process.argv.splice(2, 1);
await import(pathToFileURL(outfile).href);
