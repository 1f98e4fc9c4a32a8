// The electron-builder config as electron-builder itself loads and validates it: the fuses the Electron
// policy needs are set, and electron-builder's own fuse step (app-builder-lib's PlatformPackager.addElectronFuses,
// the code `npm run package:dir` runs) flips them in a binary carrying a real fuse wire (a stub: no Electron here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the package index first: platformPackager alone meets a circular import
import { PlatformPackager } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { flipFuses, type FuseConfig } from '@electron/fuses';
import { fuseMismatches, readFuses, writeStubElectron } from '../../scripts/electron-fuses.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-fuses-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let config: Awaited<ReturnType<typeof getConfig>>;
beforeAll(async () => {
  config = await getConfig(root, path.join(root, 'build/electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
}, 60_000); // electron-builder reads the whole dependency tree while loading (seconds on a busy machine)

describe('build/electron-builder.yml', () => {
  it('sets the fuses: no run-as-node, NODE_OPTIONS or --inspect; app.asar only, with integrity; no file:// privileges', async () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("is flipped into a binary by electron-builder's own fuse step", async () => {
    const fuses = config.electronFuses;
    if (!fuses) throw new Error('electronFuses is missing from build/electron-builder.yml');
    const binary = path.join(tmp, 'flotilla');
    writeStubElectron(binary);
    // an unflipped binary has Electron's defaults, which the check reports one by one
    expect(await fuseMismatches(binary, fuses)).toEqual([
      'runAsNode: wanted false, binary has true',
      'enableNodeOptionsEnvironmentVariable: wanted false, binary has true',
      'enableNodeCliInspectArguments: wanted false, binary has true',
      'onlyLoadAppFromAsar: wanted true, binary has false',
      'enableEmbeddedAsarIntegrityValidation: wanted true, binary has false',
      'grantFileProtocolExtraPrivileges: wanted false, binary has true',
    ]);
    // generateFuseConfig and addElectronFuses are what electron-builder runs after packing; the first uses no state
    const generate = (PlatformPackager.prototype as unknown as { generateFuseConfig(f: typeof fuses): Promise<FuseConfig> }).generateFuseConfig;
    await flipFuses(binary, await generate.call(undefined, fuses));
    expect(await fuseMismatches(binary, fuses)).toEqual([]);
    expect(await readFuses(binary)).toEqual({
      runAsNode: false,
      enableCookieEncryption: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
