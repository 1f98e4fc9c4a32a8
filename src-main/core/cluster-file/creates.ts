// How `up` runs the machine creates it needs: all at once, except for drivers whose creates must not overlap
// (VirtualBox's own locks on its registry: docker/machine#479). Every create runs to its end; the failures are
// reported together, so one bad machine does not hide another.
import { FlotillaError } from '../../api/errors';

/** drivers whose creates run one at a time */
const ONE_AT_A_TIME = new Set(['virtualbox']);

export async function runCreates<T extends { name: string }>(driver: string, items: T[], make: (x: T) => Promise<void>): Promise<void> {
  if (ONE_AT_A_TIME.has(driver)) {
    for (const x of items) await make(x);
    return;
  }
  const res = await Promise.allSettled(items.map(make));
  const failed = res.flatMap((r, i) => (r.status === 'rejected' ? [`${items[i]!.name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
  if (failed.length) throw new FlotillaError('ENGINE', `${failed.length} of ${items.length} machines failed (${failed.join('; ')}); fix it and run up again, or down to remove them`);
}
