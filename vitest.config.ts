// Vitest 5's reporter uses Map.groupBy (Node 21+); this machine runs Node 20.
import './test/support/node20-polyfills.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Integration tests pin the lab's SSH host keys; a per-run FLOTILLA_HOME keeps a rebuilt lab (new keys, same
// addresses) from meeting keys an earlier run pinned in the user's own store.
const integrationHome = process.env.FLOTILLA_HOME ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-it-home-'));

// integration files that make their own hosts and never touch the shared lab: container machines, and QEMU VMs
const MACHINE_FILES = ['machines-commands', 'machines-concurrent', 'machines-container', 'machines-interrupt', 'machines-resize', 'swarm-cli-machines', 'faults-drill', 'faults-only-manager', 'home-modes', 'cluster-file'].map((f) => `test/integration/${f}.test.ts`);
const VM_FILES = ['qemu-vm', 'qemu-swarm', 'qemu-interrupt'].map((f) => `test/integration/${f}.test.ts`);

/** a project of integration files that make their own hosts */
function hostsProject(name: string, include: string[]) {
  return {
    test: { name, include, environment: 'node' as const, env: { FLOTILLA_HOME: integrationHome }, fileParallelism: false, testTimeout: 180_000, hookTimeout: 600_000 },
  };
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src-main/**/*.spec.ts', 'src-renderer/**/*.spec.{ts,tsx}', 'test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...MACHINE_FILES, ...VM_FILES],
          environment: 'node',
          globalSetup: ['test/support/lab-global-setup.ts'],
          env: { FLOTILLA_HOME: integrationHome },
          // one lab, shared: files run one after another
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
      // The files that need no lab make and remove their own hosts under their own FLOTILLA_HOME and DOCKER_CONFIG,
      // so `npm test` runs them in processes beside 'integration' (scripts/test.mjs): container machines in
      // 'integration-machines', QEMU VMs (software emulation: CPU-bound, niced) in 'integration-vms'. Within each,
      // one file after another.
      hostsProject('integration-machines', MACHINE_FILES),
      hostsProject('integration-vms', VM_FILES),
    ],
  },
});
