import { describe, expect, it } from 'vitest';
import { ObservedStates, hasHealthcheck, isTaskStart } from './observed';
import type { RawTask } from './mappers';
import type { EngineEventJson } from './cluster-model';

const T0 = Date.parse('2026-12-07T20:00:00.000Z');
const NO_HC = { healthcheck: false };

function task(id: string, state: string, desired = 'running', err?: string): RawTask {
  return {
    ID: id,
    CreatedAt: '2026-12-07T19:59:59.000Z',
    UpdatedAt: '2026-12-07T19:59:59.500Z',
    ServiceID: 'svc',
    NodeID: 'node-1',
    Status: { State: state, Timestamp: '2026-12-07T19:59:59.900Z', Message: state, ...(err ? { Err: err } : {}) },
    DesiredState: desired,
  };
}

function ev(action: string, taskId: string, atMs: number, extra: Record<string, string> = {}): EngineEventJson {
  return { Type: 'container', Action: action, Actor: { ID: 'c1', Attributes: { 'com.docker.swarm.task.id': taskId, ...extra } }, time: Math.floor(atMs / 1000), timeNano: atMs * 1e6 };
}

describe('ObservedStates: task states a node showed before the managers stored them', () => {
  it('shows a started container as running, with the engine event time as the status timestamp', () => {
    const o = new ObservedStates();
    expect(o.note(ev('start', 't1', T0 + 123), () => 'running', T0 + 130, NO_HC)).toBe(true);
    const [t] = o.apply([task('t1', 'preparing')], T0 + 140);
    // the container's ID from the event: the managers' listing does not have it yet
    expect(t.Status).toEqual({ State: 'running', Timestamp: '2026-12-07T20:00:00.123Z', Message: 'started', ContainerStatus: { ContainerID: 'c1' } });
    expect(t.ID).toBe('t1');
    expect(t.DesiredState).toBe('running');
  });

  it('shows a created container as starting, and the later start over it', () => {
    const o = new ObservedStates();
    expect(o.note(ev('create', 't1', T0), () => 'running', T0)).toBe(true);
    expect(o.apply([task('t1', 'assigned')], T0)[0].Status.State).toBe('starting');
    expect(o.note(ev('start', 't1', T0 + 30), () => 'running', T0 + 30, NO_HC)).toBe(true);
    expect(o.apply([task('t1', 'assigned')], T0 + 30)[0].Status.State).toBe('running');
    // an event for an earlier state, seen late, changes nothing
    expect(o.note(ev('create', 't1', T0), () => 'running', T0 + 40)).toBe(false);
    expect(o.apply([task('t1', 'assigned')], T0 + 40)[0].Status.State).toBe('running');
  });

  it('gives way as soon as the listing is as far, and forgets the note then', () => {
    const o = new ObservedStates();
    o.note(ev('start', 't1', T0), () => 'running', T0, NO_HC);
    const listed = task('t1', 'running');
    expect(o.apply([listed], T0 + 50)[0]).toBe(listed);
    expect(o.size).toBe(0);
    // the listing later than the note (the task already shut down) also wins
    o.note(ev('start', 't2', T0), () => 'running', T0, NO_HC);
    const down = task('t2', 'shutdown', 'shutdown');
    expect(o.apply([down], T0 + 50)[0]).toBe(down);
    expect(o.size).toBe(0);
  });

  it('shows a stopped container as shutdown only when the managers asked for it (desired state shutdown, or remove when scaled down)', () => {
    const o = new ObservedStates();
    expect(o.note(ev('die', 't1', T0, { exitCode: '137' }), () => 'shutdown', T0)).toBe(true);
    expect(o.apply([task('t1', 'running', 'shutdown')], T0)[0].Status).toEqual({ State: 'shutdown', Timestamp: '2026-12-07T20:00:00.000Z', Message: 'shutdown', ContainerStatus: { ContainerID: 'c1' } });
    // one the listing knows stays
    const known = task('t5', 'running', 'shutdown');
    known.Status.ContainerStatus = { ContainerID: 'listed', ExitCode: 0 };
    o.note(ev('die', 't5', T0), () => 'shutdown', T0);
    expect(o.apply([known], T0)[0].Status.ContainerStatus).toEqual({ ContainerID: 'listed', ExitCode: 0 });
    expect(o.note(ev('die', 't4', T0, { exitCode: '137' }), () => 'remove', T0)).toBe(true);
    expect(o.apply([task('t4', 'running', 'remove')], T0)[0].Status.State).toBe('shutdown');
    // died on its own: failed or complete, and why, is the managers' to say
    expect(o.note(ev('die', 't2', T0, { exitCode: '1' }), () => 'running', T0)).toBe(false);
    // not listed yet: nothing known of what was asked
    expect(o.note(ev('die', 't3', T0, { exitCode: '0' }), () => undefined, T0)).toBe(false);
    expect(o.size).toBe(3);
  });

  it('shows what the node did whatever the listed desired state', () => {
    const o = new ObservedStates();
    o.note(ev('start', 't1', T0), () => 'running', T0, NO_HC);
    // scaled down as it started: running (and told to stop) until its container dies, not back to starting
    expect(o.apply([task('t1', 'starting', 'remove')], T0)[0].Status.State).toBe('running');
    // desired \`ready\` (a restart delay) listed before it turned running: the node started it
    expect(o.apply([task('t1', 'starting', 'ready')], T0)[0].Status.State).toBe('running');
  });

  it('forgets a note the managers never caught up with after maxAgeMs', () => {
    const o = new ObservedStates(5000);
    o.note(ev('start', 't1', T0), () => 'running', T0, NO_HC);
    expect(o.apply([task('t1', 'starting')], T0 + 4999)[0].Status.State).toBe('running');
    expect(o.apply([task('t1', 'starting')], T0 + 5001)[0].Status.State).toBe('starting');
    expect(o.size).toBe(0);
  });

  it('a start is running only when the container has no healthcheck; one with a healthcheck is running once healthy', () => {
    const o = new ObservedStates();
    o.note(ev('create', 't1', T0), () => 'running', T0);
    // not known whether it has one (its node did not answer the inspect): nothing noted, the managers say it
    expect(o.note(ev('start', 't1', T0 + 10), () => 'running', T0 + 10)).toBe(false);
    // a healthcheck: Docker's swarm executor reports running only once healthy
    expect(o.note(ev('start', 't1', T0 + 10), () => 'running', T0 + 10, { healthcheck: true })).toBe(false);
    expect(o.apply([task('t1', 'preparing')], T0 + 10)[0].Status.State).toBe('starting');
    expect(o.note(ev('health_status: healthy', 't1', T0 + 900), () => 'running', T0 + 900)).toBe(true);
    expect(o.apply([task('t1', 'starting')], T0 + 900)[0].Status).toMatchObject({ State: 'running', Timestamp: '2026-12-07T20:00:00.900Z', Message: 'started' });
    // unhealthy: failed or restarted is the managers' to say
    expect(o.note(ev('health_status: unhealthy', 't2', T0), () => 'running', T0)).toBe(false);
  });

  it('reads a healthcheck from a container inspect and tells a task container start', () => {
    expect(hasHealthcheck({ Healthcheck: { Test: ['CMD-SHELL', 'curl -f http://localhost/'] } })).toBe(true);
    expect(hasHealthcheck({ Healthcheck: { Test: ['NONE'] } })).toBe(false);
    expect(hasHealthcheck({ Healthcheck: { Test: [] } })).toBe(false);
    expect(hasHealthcheck({})).toBe(false);
    expect(hasHealthcheck(undefined)).toBe(false);
    expect(isTaskStart(ev('start', 't1', T0))).toBe(true);
    expect(isTaskStart(ev('create', 't1', T0))).toBe(false);
    expect(isTaskStart({ Type: 'container', Action: 'start', Actor: { ID: 'c', Attributes: {} } })).toBe(false);
  });

  it('ignores events that are not a task container changing state', () => {
    const o = new ObservedStates();
    expect(o.note({ Type: 'container', Action: 'start', Actor: { ID: 'c', Attributes: {} } }, () => 'running', T0)).toBe(false);
    expect(o.note({ Type: 'service', Action: 'update', Actor: { ID: 's', Attributes: { 'com.docker.swarm.task.id': 't1' } } }, () => 'running', T0)).toBe(false);
    for (const a of ['exec_start', 'attach', 'kill', 'stop', 'destroy', 'health_status: unhealthy']) expect(o.note(ev(a, 't1', T0), () => 'shutdown', T0)).toBe(false);
    const tasks = [task('t1', 'running')];
    expect(o.apply(tasks, T0)).toBe(tasks);
  });

  it('keeps the other tasks as they are (the same objects)', () => {
    const o = new ObservedStates();
    o.note(ev('start', 't1', T0), () => 'running', T0, NO_HC);
    const other = task('t2', 'preparing');
    const out = o.apply([task('t1', 'preparing', 'running', 'no such image'), other], T0);
    expect(out[1]).toBe(other);
    expect(out[0].Status.Err).toBeUndefined();
  });
});
