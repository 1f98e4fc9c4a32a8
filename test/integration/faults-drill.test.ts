// Fault drills on a real container-machine swarm of 3 managers and 1 worker (made here, removed at the end): a worker
// killed, frozen, its dockerd restarted, partitioned; the leader killed while the model reads from another manager; the
// watched manager killed while it leads; the link to the watched manager cut. Each fault is lifted before the next. Asserted: the core's model shows each fault within a bound
// of a manager's engine listing it (and moves to another manager when the one it read from is hit), the models of the
// core, `flotilla events` and `flotilla serve` equal a fresh snapshot once recovered (no drift), and neither child
// process exits. The times are what `npm run bench -- faults` prints. Needs `npm run build` (bin/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULTS, makeDrillSwarm, removeDrillSwarm, runDrills, type DrillRun, type DrillSwarm } from '../support/fault-drills';

// the model may trail the engine by this much here (the target, 2 s, is the bench's; CI shares 2 cores with the drills)
const LAG_BOUND_MS = 6_000;
let s: DrillSwarm | undefined;
let run: DrillRun;
const log = (l: string): void => void process.stderr.write(`[faults] ${l}\n`);

beforeAll(async () => {
  s = await makeDrillSwarm(`${process.env.FLOTILLA_DRILL_PREFIX ?? ''}fdrill${process.pid % 1000}`, log);
  run = await runDrills(s, log);
}, 900_000);

afterAll(async () => {
  if (!s) return;
  const left = await removeDrillSwarm(s);
  expect(left, 'what the drill swarm left behind').toEqual([]);
}, 300_000);

describe('fault drills on a 3-manager, 1-worker machine swarm', () => {
  it('flotilla events and flotilla serve never exit, and the server never ends the model stream', () => {
    expect(run.exits).toEqual([]);
    expect(run.results.map((r) => r.fault)).toEqual(FAULTS.map((f) => f.name));
  });

  for (const f of FAULTS) {
    it(`${f.name}: the model follows the engine, recovers, and equals a fresh snapshot`, () => {
      const r = run.results.find((x) => x.fault === f.name);
      expect(r, `${f.name} was not drilled`).toBeDefined();
      if (!r) return;
      expect(r.engineMs, `a manager's engine never showed: ${f.truth}`).toBeGreaterThanOrEqual(0);
      expect(r.modelMs, `the model never showed: ${f.truth}`).toBeGreaterThanOrEqual(0);
      expect(r.lagMs).toBeLessThanOrEqual(LAG_BOUND_MS);
      // the two leader drills are distinct: the leader killed while the model reads from another manager, and the
      // watched manager killed while it leads (the watcher was started on a manager of the role the drill needs)
      if (f.watch === 'follower') expect(r.watchedBefore, 'the leader drill must not hit the watched manager').not.toBe(r.target);
      if (f.watch === 'leader') expect(r.watchedBefore, 'the watched-manager drill must hit the manager the model reads from').toBe(r.target);
      if (r.watchedBefore === r.target && f.name !== "worker's dockerd restarted") {
        // the manager the model read from was hit: it reads from another one now
        expect(r.watchedAfter).not.toBe(r.target);
        expect(r.failoverMs).toBeDefined();
        // acceptance 3, from the watcher's own timestamps (not the drill's clock, which includes `docker exec` of the
        // fault under load): the first round over the other managers found one, and the model streamed from it
        // within 5 s of noticing the loss (by design: connect + ping 3 s, then 1 s for one that can list)
        expect(r.move, 'the watcher recorded no move away from the hit manager').toBeDefined();
        expect(r.move?.to).not.toBe(r.target);
        expect(r.move?.rounds).toBe(1);
        expect(r.move?.boundNoticeMs).toBeLessThanOrEqual(2_000);
        // the loss marked (stale) in time, idle or not (the target, 2 s, is the bench's; CI shares 2 cores)
        expect(r.move?.noticedMs).toBeLessThanOrEqual(LAG_BOUND_MS);
        expect(r.move?.boundMoveMs).toBeLessThanOrEqual(5_000);
        expect(r.move?.streamingMs).toBeGreaterThanOrEqual(0);
        expect(r.move?.streamingMs).toBeLessThanOrEqual(5_000);
        // and it came back to a listing (the new leader's), which the lag check above bounds against the engine. (It read
        // -1 when the watcher left the follower it had moved to because its listing waited on the dead leader: a second
        // move, so the first never listed; a listing that times out from an engine that answers a ping no longer moves.)
        expect(r.move?.listedMs).toBeGreaterThanOrEqual(0);
      }
      expect(r.engineRecoverMs, 'the swarm did not recover after the fault was lifted').toBeGreaterThanOrEqual(0);
      expect(r.modelRecoverMs, 'the model did not recover after the fault was lifted').toBeGreaterThanOrEqual(0);
      expect(r.drift).toEqual({ core: [], events: [], server: [] });
    });
  }
});
