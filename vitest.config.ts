// Vitest 5's reporter uses Map.groupBy (Node 21+); this machine runs Node 20.
import './test/support/node20-polyfills.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Integration tests pin the lab's SSH host keys; a per-run FLOTILLA_HOME keeps a rebuilt lab (new keys, same
// addresses) from meeting keys an earlier run pinned in the user's own store.
const integrationHome = process.env.FLOTILLA_HOME ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-it-home-'));

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
          environment: 'node',
          globalSetup: ['test/support/lab-global-setup.ts'],
          env: { FLOTILLA_HOME: integrationHome },
          // one lab, shared: files run one after another
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
