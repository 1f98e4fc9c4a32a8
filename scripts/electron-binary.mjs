// Where the `electron` package put its binary, shared by `npm start` and the Electron-only e2e spec so
// both agree on when the window can open. ELECTRON_EXEC_PATH overrides; undefined where the download
// was skipped (ELECTRON_SKIP_BINARY_DOWNLOAD, as on the build machines).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** @param {string} root the checkout (where package.json is) @returns {string | undefined} */
export function electronBinary(root) {
  if (process.env.ELECTRON_EXEC_PATH) return process.env.ELECTRON_EXEC_PATH;
  try {
    const dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
    const txt = path.join(dir, 'path.txt');
    if (!fs.existsSync(txt)) return undefined;
    const bin = path.join(dir, 'dist', fs.readFileSync(txt, 'utf8').trim());
    return fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}
