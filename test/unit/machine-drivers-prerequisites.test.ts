// A driver whose prerequisite check throws must show as a failed prerequisite with its message, both in
// the contract's machines.drivers (the create wizard) and in `flotilla machine drivers`, never as "usable".
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { machinesContract } from '../../src-main/api/domains/machines';
import { createServices } from '../../src-main/host/services';
import { machinesHandlers } from '../../src-main/host/handlers/machines';
import { buildProgram } from '../../src-main/cli/main';
import { builtinDrivers, getDriver, registerDriver } from '../../src-main/core/machines/drivers';
import type { MachineDriver } from '../../src-main/core/machines/drivers/types';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-prereq-'));
const broken: MachineDriver = { ...getDriver('generic'), name: 'broken', description: 'a driver whose check throws', prerequisites: () => Promise.reject(new Error('powershell.exe crashed (0xc0000142)')) };
const failed = { name: 'broken prerequisites', ok: false, detail: 'the check itself failed: powershell.exe crashed (0xc0000142)', remedy: 'run `flotilla machine drivers` again; if it keeps failing, use another driver' };

beforeAll(() => {
  for (const d of builtinDrivers({ platform: 'linux', env: { PATH: '/nonexistent', FLOTILLA_HOME: home }, exists: async () => false })) registerDriver(d);
  registerDriver(broken);
});
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe('a prerequisite check that throws', () => {
  it('is a failed prerequisite with its message in machines.drivers (the create wizard)', async () => {
    const services = createServices({ transport: 'in-process', home });
    try {
      const list = machinesContract['machines.drivers'].output.parse(await machinesHandlers(services)['machines.drivers']({}, { signal: new AbortController().signal }));
      const b = list.find((d) => d.name === 'broken');
      expect(b?.prerequisites).toEqual([failed]);
      expect(b?.default).toBe(false);
    } finally {
      await services.close();
    }
  });

  it('is a failed prerequisite with its message in `flotilla machine drivers` (JSON and text)', async () => {
    const run = async (args: string[]): Promise<string> => {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        return true;
      });
      try {
        await buildProgram().parseAsync(['node', 'flotilla', ...args]);
      } finally {
        spy.mockRestore();
      }
      return out;
    };
    const before = process.exitCode;
    const json = JSON.parse(await run(['--json', 'machine', 'drivers'])) as Array<{ name: string; prerequisites: unknown[] }>;
    expect(json.find((d) => d.name === 'broken')?.prerequisites).toEqual([failed]);
    const text = await run(['machine', 'drivers']);
    expect(text).toContain(`broken: a driver whose check throws\n  NO  broken prerequisites: the check itself failed: powershell.exe crashed (0xc0000142) -> ${failed.remedy}\n`);
    expect(process.exitCode).toBe(before);
  });
});
