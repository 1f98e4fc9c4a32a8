#!/usr/bin/env node
// The `flotilla` command. From a checkout it rebuilds its bundle when a source file is newer.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'out/cli/flotilla.mjs');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const src = path.join(root, 'src-main');
if (fs.existsSync(src)) {
  const built = fs.existsSync(bundle) ? fs.statSync(bundle).mtimeMs : 0;
  if (newestMtime(src) > built) {
    const { buildCli } = await import(pathToFileURL(path.join(root, 'scripts/build-cli.mjs')).href);
    await buildCli();
  }
}
await import(pathToFileURL(bundle).href);
