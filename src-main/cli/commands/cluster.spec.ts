// What `flotilla up -f FILE` says at its end (upSummary): the changes made, and a planned change up did not make
// itself (a running VM's resize) listed as not applied, in text and in --json, never dropped.
import { describe, expect, it } from 'vitest';
import type { ClusterChange } from '../../api/domains/cluster';
import { upSummary } from './cluster';

const label: ClusterChange = { kind: 'node', action: 'update', name: 'cc-w1', detail: 'label zone=a' };
const resize: ClusterChange = { kind: 'machine', action: 'resize', name: 'cc-m1', detail: 'cpus 2 -> 4; the VM is running and up does not stop it: run flotilla machine stop cc-m1; flotilla machine set cc-m1 --cpus 4; flotilla machine start cc-m1' };
const done = (changes: ClusterChange[]) => ({ machine: 'cc', step: 'done', done: true, changes });

describe('upSummary', () => {
  it('everything made, or nothing to make', () => {
    expect(upSummary('cc', [label], done([label]))).toEqual({ text: 'Applied 1 change to swarm cc.', json: { changes: [label] } });
    expect(upSummary('cc', [], done([]))).toEqual({ text: 'No changes: swarm cc is as the file says.', json: { changes: [] } });
  });
  it('a running VM\'s resize is said as not applied, with what to run', () => {
    expect(upSummary('cc', [resize, label], done([label]))).toEqual({
      text: `Applied 1 change to swarm cc. Not applied: cc-m1 resize (${resize.detail}).`,
      json: { changes: [label], notApplied: [resize] },
    });
    expect(upSummary('cc', [resize], done([])).text).toBe(`Applied no change to swarm cc. Not applied: cc-m1 resize (${resize.detail}).`);
  });
});
