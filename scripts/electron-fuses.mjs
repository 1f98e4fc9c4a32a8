// Electron fuses without an Electron binary: a stub binary that carries a fuse wire the way Electron's does
// (sentinel, version 1, length, one byte per fuse), so electron-builder's electronFuses step really flips it,
// and a reader that says what a packaged binary's fuses are and whether they match the builder config.
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
const { SENTINEL, FuseState } = require('@electron/fuses/dist/constants');

/** electron-builder's electronFuses keys, by their fuse wire index (app-builder-lib platformPackager generateFuseConfig) */
export const FUSE_KEYS = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

// an unflipped Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; the rest off
const ELECTRON_DEFAULTS = [1, 0, 1, 1, 0, 0, 0, 1];

/** writes an executable stub at file whose bytes hold Electron's default fuse wire */
export function writeStubElectron(file) {
  const wire = Buffer.concat([Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, ELECTRON_DEFAULTS.length]), Buffer.from(ELECTRON_DEFAULTS.map((on) => (on ? FuseState.ENABLE : FuseState.DISABLE)))]);
  const script = Buffer.concat([Buffer.from('#!/bin/sh\n# fuse wire: '), wire, Buffer.from('\necho "stub electron: no binary on this machine"\n')]);
  fs.writeFileSync(file, script, { mode: 0o755 });
}

/** the fuses of binary as electronFuses keys → true/false (a fuse marked removed is left out) */
export async function readFuses(binary) {
  const wire = await getCurrentFuseWire(binary);
  const out = {};
  for (const [key, index] of Object.entries(FUSE_KEYS)) {
    if (wire[index] === FuseState.ENABLE) out[key] = true;
    else if (wire[index] === FuseState.DISABLE) out[key] = false;
  }
  return out;
}

/** each configured fuse the binary does not have as configured: ["runAsNode: wanted false, binary has true", ...] */
export async function fuseMismatches(binary, electronFuses) {
  const actual = await readFuses(binary);
  const wrong = [];
  for (const [key, wanted] of Object.entries(electronFuses)) {
    if (!(key in FUSE_KEYS)) continue; // resetAdHocDarwinSignature and the like are options, not fuses
    if (actual[key] !== wanted) wrong.push(`${key}: wanted ${wanted}, binary has ${actual[key] ?? 'no such fuse'}`);
  }
  return wrong;
}
