import { describe, expect, it } from 'vitest';
import { runCreates } from './creates';

/** a create that takes a few event-loop turns, recording how many run at once */
function recorder(fail: string[] = []) {
  let running = 0;
  const r = { max: 0, order: [] as string[] };
  const make = async (x: { name: string }): Promise<void> => {
    running++;
    r.max = Math.max(r.max, running);
    r.order.push(`start ${x.name}`);
    for (let i = 0; i < 3; i++) await new Promise<void>((ok) => setImmediate(ok));
    running--;
    r.order.push(`end ${x.name}`);
    if (fail.includes(x.name)) throw new Error(`${x.name} broke`);
  };
  return { r, make };
}
const three = [{ name: 'cc-m1' }, { name: 'cc-w1' }, { name: 'cc-w2' }];

describe('runCreates: how up creates the machines it needs', () => {
  it('VirtualBox creates run one at a time, in the file order (docker/machine#479)', async () => {
    const { r, make } = recorder();
    await runCreates('virtualbox', three, make);
    expect(r.max).toBe(1);
    expect(r.order).toEqual(['start cc-m1', 'end cc-m1', 'start cc-w1', 'end cc-w1', 'start cc-w2', 'end cc-w2']);
  });
  it.each(['container', 'qemu', 'hyperv', 'generic'])('%s creates all run at once', async (driver) => {
    const { r, make } = recorder();
    await runCreates(driver, three, make);
    expect(r.max).toBe(3);
  });
  it('every create runs to its end, and the failures are named together', async () => {
    const { r, make } = recorder(['cc-w1', 'cc-w2']);
    await expect(runCreates('container', three, make)).rejects.toThrow('2 of 3 machines failed (cc-w1: cc-w1 broke; cc-w2: cc-w2 broke); fix it and run up again, or down to remove them');
    expect(r.order.filter((o) => o.startsWith('end'))).toHaveLength(3);
  });
  it('a VirtualBox create that fails stops the ones after it', async () => {
    const { r, make } = recorder(['cc-m1']);
    await expect(runCreates('virtualbox', three, make)).rejects.toThrow('cc-m1 broke');
    expect(r.order).toEqual(['start cc-m1', 'end cc-m1']);
  });
});
