import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendPrivateFile, appendPrivateFileSync, ensurePrivateDir, writeFileAtomic, writeFileAtomicSync } from './fsutil';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('private files and folders', () => {
  it('writes files 0600 and makes folders 0700 whatever the umask, and closes folders an older version left open under the root', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-fsutil-'));
    const old = process.umask(0o000);
    try {
      fs.mkdirSync(path.join(root, 'stacks', 'e'), { recursive: true, mode: 0o777 });
      fs.chmodSync(root, 0o755);
      fs.chmodSync(path.join(root, 'stacks'), 0o777);
      await ensurePrivateDir(path.join(root, 'stacks', 'e', 'new', 'deeper'), root);
      for (const d of ['.', 'stacks', 'stacks/e', 'stacks/e/new', 'stacks/e/new/deeper']) expect(mode(path.join(root, d)), d).toBe(0o700);

      const f = path.join(root, 'a', 'b.json');
      fs.mkdirSync(path.dirname(f), { mode: 0o755 });
      fs.writeFileSync(f, 'old', { mode: 0o666 });
      await writeFileAtomic(f, 'new');
      expect([fs.readFileSync(f, 'utf8'), mode(f)]).toEqual(['new', 0o600]);
      writeFileAtomicSync(path.join(root, 'c', 'd'), 'x');
      expect([mode(path.join(root, 'c')), mode(path.join(root, 'c', 'd'))]).toEqual([0o700, 0o600]);
      await writeFileAtomic(path.join(root, 'id.pub'), 'k', { mode: 0o644 });
      expect(mode(path.join(root, 'id.pub'))).toBe(0o644);

      const log = path.join(root, 'm.log');
      fs.writeFileSync(log, 'one\n', { mode: 0o644 });
      await appendPrivateFile(log, 'two\n');
      appendPrivateFileSync(log, 'three\n');
      expect([fs.readFileSync(log, 'utf8'), mode(log)]).toEqual(['one\ntwo\nthree\n', 0o600]);
      // no temp files left beside the targets
      expect(fs.readdirSync(path.join(root, 'a'))).toEqual(['b.json']);
    } finally {
      process.umask(old);
      fs.rmSync(root, { recursive: true });
    }
  });
});
