// Packages the app layout (dist/linux-unpacked with app.asar) without a real Electron download:
// electron-builder is pointed at a stub Electron folder. This checks packaging on machines that
// cannot fetch Electron; real installers (AppImage, deb, dmg, nsis) need a machine that can.
// The stub binary carries a fuse wire (scripts/electron-fuses.mjs), so electron-builder's electronFuses step
// flips it for real; afterwards every fuse in build/electron-builder.yml is read back from the packaged binary.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { fuseMismatches, readFuses, writeStubElectron } from './electron-fuses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configFile = path.join(root, 'build/electron-builder.yml');
const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-stub-'));
writeStubElectron(path.join(stub, 'electron'));
const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const r = spawnSync('npx', ['electron-builder', '--config', configFile, '--linux', 'dir', `-c.electronDist=${stub}`, `-c.electronVersion=${version}`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_BUILDER_7ZIP_PATH: process.env.ELECTRON_BUILDER_7ZIP_PATH ?? '/usr/bin/7za' },
});
fs.rmSync(stub, { recursive: true, force: true });
if (r.status !== 0) process.exit(r.status ?? 1);

const config = YAML.parse(fs.readFileSync(configFile, 'utf8'));
const unpacked = path.join(root, config.directories?.output ?? 'dist', 'linux-unpacked');
if (!fs.existsSync(path.join(unpacked, 'resources', 'app.asar'))) {
  console.error(`package:dir: no resources/app.asar under ${unpacked}; electron-builder did not package the app`);
  process.exit(1);
}
// the one executable electron-builder copied from the stub and renamed (the stub's text is its mark)
const binary = fs
  .readdirSync(unpacked)
  .map((f) => path.join(unpacked, f))
  .find((f) => fs.statSync(f).isFile() && fs.readFileSync(f).includes('stub electron: no binary'));
if (!binary) {
  console.error(`package:dir: the packaged Electron binary is missing from ${unpacked}`);
  process.exit(1);
}
const wrong = await fuseMismatches(binary, config.electronFuses ?? {});
if (!config.electronFuses || wrong.length) {
  console.error(`package:dir: the fuses in ${binary} are not what build/electron-builder.yml sets:\n  ${wrong.join('\n  ') || 'electronFuses is missing from the config'}`);
  process.exit(1);
}
console.log(`package:dir: ${path.relative(root, binary)} fuses as configured: ${JSON.stringify(await readFuses(binary))}`);
