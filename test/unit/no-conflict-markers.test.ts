// A merge that leaves conflict markers in a file the compilers never see (CSS, Markdown, YAML) builds and lints
// cleanly: a stylesheet with `<<<<<<< HEAD` in it dropped the rules after it and broke the Board's and the editor's
// layout without an error anywhere. This reads every tracked file for the three markers at a line start.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('no merge conflict markers', () => {
  it('no tracked file has a line starting with <<<<<<< , ======= alone or >>>>>>> ', () => {
    let out = '';
    try {
      out = execFileSync('git', ['grep', '-n', '-I', '-E', '^(<{7} |={7}$|>{7} )', '--', '.'], { cwd: root, encoding: 'utf8' });
    } catch (e) {
      // git grep exits 1 when nothing matches
      if ((e as { status?: number }).status !== 1) throw e;
    }
    expect(out.split('\n').filter(Boolean)).toEqual([]);
  });
});
