// `npm start`: install what is missing, build, open the Electron window; where the Electron binary is
// missing (as on machines that cannot download it), say so in one line and start browser mode instead.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['install', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' });
}
run('npm', ['run', '-s', 'build']);

const bin = electronBinary(root);
const extra = process.argv.slice(2);
if (bin) {
  spawn(bin, [root, ...extra], { cwd: root, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('The Electron binary is not installed here, so Flotilla starts in browser mode: open the URL below.');
  spawn(process.execPath, [path.join(root, 'bin', 'flotilla.mjs'), 'serve', ...extra], { cwd: root, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
}
