// Packages the app layout (dist/linux-unpacked with app.asar) without a real Electron download:
// electron-builder is pointed at a stub Electron folder. This checks packaging on machines that
// cannot fetch Electron; real installers (AppImage, deb, dmg, nsis) need a machine that can.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'electron-stub-'));
fs.writeFileSync(path.join(stub, 'electron'), '#!/bin/sh\necho "stub electron: no binary on this machine"\n', { mode: 0o755 });
const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const r = spawnSync('npx', ['electron-builder', '--config', 'build/electron-builder.yml', '--linux', 'dir', `-c.electronDist=${stub}`, `-c.electronVersion=${version}`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_BUILDER_7ZIP_PATH: process.env.ELECTRON_BUILDER_7ZIP_PATH ?? '/usr/bin/7za' },
});
process.exit(r.status ?? 1);
