// The recorded-PowerShell harness shared by the Hyper-V driver specs (hyperv.spec.ts, hyperv-resize.spec.ts): a
// Runner that answers each command line from the recordings in test/fixtures/hyperv (provenance in SOURCE.md) and
// keeps the lines it was given, so a spec asserts the exact commands.
import { beforeEach, afterEach } from 'vitest';
import fs from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunOptions, RunResult, Runner } from '../../boot/runner.js';
import type { DriverContext, MachineSpec } from '../types.js';
import { PS_PREFIX, type HyperVDriverOptions } from './driver.js';

export const FIX = path.resolve(__dirname, '../../../../../test/fixtures/hyperv');
export const fx = (name: string): string => readFileSync(path.join(FIX, name), 'utf8');
const PS = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl t@t';
export const line = (cmd: string) => `${PS} -NoProfile -NonInteractive -Command ${PS_PREFIX}${cmd}`;

// the expressions minikube's logs record (module, admin role, switches without minikube's filter, state, addresses); the
// Hyper-V Administrators check passes the SID as a SecurityIdentifier, where minikube's recorded form passed a string
export const MODULE = '@(Get-Module -ListAvailable hyper-v).Name | Get-Unique';
const WHO = '([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent())';
export const IS_HVADMIN = `@(${WHO}).IsInRole([Security.Principal.SecurityIdentifier]'S-1-5-32-578')`;
export const IS_ADMIN = `@(${WHO}).IsInRole([Security.Principal.WindowsBuiltInRole] "Administrator")`;
export const SWITCHES = '[Console]::OutputEncoding = [Text.Encoding]::UTF8; ConvertTo-Json @(Hyper-V\\Get-VMSwitch|Select Id, Name, SwitchType)';
export const GETVM = (n: string) => `( Hyper-V\\Get-VM -Name '${n}' ).State`;
export const IPS = (n: string) => `(( Hyper-V\\Get-VM -Name '${n}' ).NetworkAdapters[0]).IPAddresses`;

export interface World {
  module?: string;
  hvAdmin?: string;
  admin?: string;
  switches?: string;
  vm?: 'absent' | 'Off' | 'Running';
  ips?: string[];
  stopHangs?: boolean;
  /** false: qemu-img is not installed */
  qemuImg?: boolean;
  /** recorded stderr (exit 1) for commands starting with a prefix */
  fail?: Array<{ prefix: string; stderr: string }>;
}

export class Player implements Runner {
  lines: string[] = [];
  constructor(private w: World) {}
  async run(cmd: string, args: string[], opts?: RunOptions): Promise<RunResult> {
    this.lines.push([cmd, ...args].join(' '));
    const w = this.w;
    const ok = (stdout = ''): RunResult => ({ stdout, stderr: '', code: 0 });
    if (cmd === 'qemu-img') return w.qemuImg === false ? { stdout: '', stderr: '', code: -1, notFound: true } : ok(fx('qemu-img.version.txt'));
    const c = (args[3] ?? '').slice(PS_PREFIX.length);
    const f = w.fail?.find((x) => c.startsWith(x.prefix));
    if (f) return { stdout: '', stderr: f.stderr, code: 1 };
    if (c === MODULE) return ok(w.module ?? fx('get-module.recorded.txt'));
    if (c === IS_HVADMIN) return ok(w.hvAdmin ?? fx('isinrole-578.recorded.txt'));
    if (c === IS_ADMIN) return ok(w.admin ?? 'True\r\n');
    if (c === SWITCHES) return ok(w.switches ?? fx('switches.default.recorded.json'));
    if (c.startsWith('( Hyper-V\\Get-VM ')) {
      const st = w.vm ?? 'absent';
      if (st === 'absent') return { stdout: '', stderr: fx('get-vm.not-found.stderr'), code: 1 };
      return ok(fx(st === 'Running' ? 'get-vm-state.running.recorded.txt' : 'get-vm-state.off.recorded.txt'));
    }
    if (c.startsWith('(( Hyper-V\\Get-VM ')) return ok(w.ips?.length ? fx(w.ips.shift()!) : ''); // "" is the recorded answer before the VM has an address
    if (c.startsWith('Hyper-V\\New-VM ')) w.vm = 'Off';
    if (c.startsWith('Hyper-V\\Start-VM ')) w.vm = 'Running';
    if (c.startsWith('Hyper-V\\Remove-VM ')) w.vm = 'absent';
    if (c.startsWith('Hyper-V\\Stop-VM ')) {
      if (w.stopHangs && !c.includes('-TurnOff')) return { stdout: '', stderr: '', code: -1, ...(opts?.timeoutMs ? { timedOut: true } : {}) };
      w.vm = 'Off';
    }
    return ok();
  }
}

export let dir: string;
export let sshCalls: string[] = [];
export const ctx = (): DriverContext => ({ machineName: 'fl1', machineDir: dir, sshPublicKey: KEY, sshPrivateKeyPath: path.join(dir, 'id'), knownHostsFile: path.join(dir, 'known_hosts'), log: () => undefined, step: () => undefined, signal: new AbortController().signal });
export const spec = (options: MachineSpec['options'] = {}): MachineSpec => ({ name: 'fl1', cpus: 2, memoryMb: 2048, diskGb: 20, options });
export const deps = (p: Runner, extra: Partial<HyperVDriverOptions> = {}): HyperVDriverOptions => ({
  runner: p,
  platform: 'win32',
  env: { SystemRoot: 'C:\\Windows' },
  exists: async (f) => f === PS,
  sleep: async () => undefined,
  obtainImage: async () => 'C:/cache/noble.vhdx',
  writeAtStart: async () => undefined,
  sshExec: async (t, cmd) => {
    sshCalls.push(`${t.user}@${t.host}:${t.port} ${cmd}`);
    return '';
  },
  timeouts: { startMs: 0, ipMs: 0, stopMs: 5000, pollMs: 1 },
  ...extra,
});

export function useHyperVHarness(): void {
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'flotilla-hv-'));
    sshCalls = [];
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
}
