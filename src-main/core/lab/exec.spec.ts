import { describe, expect, it } from 'vitest';
import { pipe } from './exec';

describe('pipe', () => {
  it('passes the first command into the second', async () => {
    await expect(pipe(['printf', ['a\\nb\\n']], ['wc', ['-l']])).resolves.toMatch(/^\s*2\s*$/);
  });

  it('fails at once with the consumer error when the consumer dies before the producer is done', async () => {
    // `yes` never ends by itself: before the fix it blocked on the full pipe until pipe()'s own timeout
    const started = Date.now();
    await expect(pipe(['yes', []], ['sh', ['-c', 'echo "stopsignal is not a valid change command" >&2; exit 3']], 60_000)).rejects.toThrow(/sh -c .*failed \(exit 3\): stopsignal is not a valid change command/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names the producer when only the producer fails', async () => {
    await expect(pipe(['sh', ['-c', 'echo broken >&2; exit 4']], ['cat', []])).rejects.toThrow(/sh failed \(exit 4\): broken/);
  });
});
