// Cross-process exclusive lock on a file with flock(1), so concurrent processes (two `lab up`s, two builds of the
// same image, several test runs, two swarms' network files) take turns. The lock lives in a child
// `flock FILE sh -c 'cat'`: it is released when we close its stdin, and also when this process dies, so a crash
// never leaves a stale lock behind. (Node has no flock; a lock file with O_EXCL would survive a crash.)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../api/errors';

export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 1_800_000): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const child = spawn('flock', ['-x', '-w', String(Math.ceil(timeoutMs / 1000)), file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.once('data', () => resolve());
    child.on('error', (e) => reject(new FlotillaError('UNSUPPORTED', `flock could not be started (install util-linux): ${e.message}`)));
    child.on('close', (code) =>
      reject(
        new FlotillaError(
          'TIMEOUT',
          `could not lock ${file} within ${Math.round(timeoutMs / 1000)} s (exit ${code}): ${err.trim()}; another Flotilla process (a lab operation, an image build or a test run) holds it: wait for it or stop it`,
        ),
      ),
    );
  });
  try {
    return await fn();
  } finally {
    child.stdin.end();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('close', () => resolve());
    });
  }
}
