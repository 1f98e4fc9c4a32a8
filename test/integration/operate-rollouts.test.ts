// Issue 18 item 5 on the lab: an update that fails (the new tasks exit at once, update failure action pause) is
// shown paused, with the engine's reason and progress, by the host's `swarm.services.list` (what the Services view
// and the Board read); rollback returns the service to its previous spec; force replaces every task; `flotilla
// service resume` (through the host) makes the engine run a paused update again. `docker service inspect` in the manager is
// the oracle for each.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHost, type Host } from '../../src-main/host';
import type { Service } from '../../src-main/api/domains/swarm';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';
import { describeLab, ensureLabSwarm, labNodes, LAB_BUSYBOX, nodeDocker, nodeDockerOk, until, type LabNode } from '../support/lab';

const pexec = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/flotilla.mjs');

interface EngineView {
  State?: string;
  Message?: string;
  StartedAt?: string;
  Args: string[];
  ForceUpdate: number;
}

describeLab('rollouts you can act on, on the lab', () => {
  let host: Host;
  let home: string;
  let n1: LabNode;
  let engineId: string;
  const name = `frol-${Date.now().toString(36)}`;

  /** the engine's own view of the service */
  async function engine(): Promise<EngineView> {
    const out = await nodeDockerOk(n1, ['service', 'inspect', name, '--format', '{{json .UpdateStatus}}|{{json .Spec.TaskTemplate.ContainerSpec.Args}}|{{.Spec.TaskTemplate.ForceUpdate}}']);
    const [st, args, force] = out.trim().split('|');
    const u = (JSON.parse(st) ?? {}) as { State?: string; Message?: string; StartedAt?: string };
    return { ...u, Args: (JSON.parse(args) as string[] | null) ?? [], ForceUpdate: Number(force) };
  }
  const listed = async (): Promise<Service | undefined> => ((await host.dispatcher.call('swarm.services.list', { engineId })) as Service[]).find((s) => s.name === name);
  async function running(): Promise<string[]> {
    const out = await nodeDockerOk(n1, ['service', 'ps', name, '--filter', 'desired-state=running', '--format', '{{.ID}} {{.CurrentState}}']);
    return out.split('\n').filter((l) => / Running /.test(l)).map((l) => l.split(' ')[0]);
  }

  beforeAll(async () => {
    n1 = (await ensureLabSwarm(labNodes())).manager;
    await ensureNodeBusybox(n1.name);
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-rollouts-'));
    host = createHost({ transport: 'in-process', home });
    engineId = `lab:${n1.name}`;
    await nodeDockerOk(n1, ['service', 'create', '-d', '--name', name, '--replicas', '3', '--stop-grace-period', '1s', '--update-parallelism', '1', '--update-failure-action', 'pause', '--update-monitor', '3s', LAB_BUSYBOX, 'sleep', '3600']);
    await until(`${name}: 3 tasks running`, async () => (await running()).length === 3, 180_000, 1000);
  }, 400_000);

  afterAll(async () => {
    if (n1) await nodeDocker(n1, ['service', 'rm', name]);
    await host?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 120_000);

  /**
   * makes the new tasks exit at once: the first batch fails and the engine pauses the update. The 30 s delay between
   * batches puts the engine where it drops a resume: the paused run's worker sits out the delay, and until it is done
   * the engine takes a rewrite of the same spec as "already being worked on", clears the status and starts nothing
   * (docker CLI 28's `docker service update SERVICE` then leaves the update stopped for good). `flotilla service
   * resume` asks again until the engine runs it. The 60 s monitor counts the failure however slow the lab is.
   */
  async function failingUpdate(): Promise<EngineView> {
    await nodeDockerOk(n1, ['service', 'update', '-d', '--update-delay', '30s', '--update-monitor', '60s', '--args', 'sh -c "exit 1"', name]);
    const paused = await until('the engine paused the update', async () => {
      const e = await engine();
      return e.State === 'paused' && e;
    }, 180_000, 1000);
    expect(paused.Message).toMatch(/update paused/);
    return paused;
  }

  it('a failing update shows paused with the reason and progress; rollback returns to the previous spec', async () => {
    const paused = await failingUpdate();
    const s = await until('the host lists the service paused', async () => {
      const x = await listed();
      return x?.updateStatus?.state === 'paused' && x;
    }, 60_000, 1000);
    expect(s.updateStatus?.message).toBe(paused.Message);
    expect(s.updateStatus?.progress?.m).toBe(3);
    expect(s.updateStatus?.progress?.n).toBeLessThan(3);

    await host.dispatcher.call('swarm.services.rollback', { engineId, service: name });
    const back = await until('the engine completed the rollback', async () => {
      const e = await engine();
      return e.State === 'rollback_completed' && e;
    }, 240_000, 1000);
    expect(back.Args).toEqual(['sleep', '3600']);
    await until(`${name}: 3 tasks running after the rollback`, async () => (await running()).length === 3, 180_000, 1000);
    expect((await listed())?.updateStatus?.state).toBe('rollback_completed');
    await expect(host.dispatcher.call('swarm.services.resume', { engineId, service: name })).rejects.toMatchObject({ code: 'PRECONDITION', message: expect.stringContaining('no paused update to resume') });
  }, 600_000);

  it('force replaces every task', async () => {
    const before = await running();
    const forced = (await engine()).ForceUpdate;
    await host.dispatcher.call('swarm.services.update', { engineId, service: name, update: { force: true } });
    expect((await engine()).ForceUpdate).toBe(forced + 1);
    await until('every task replaced', async () => {
      const now = await running();
      return now.length === 3 && now.every((id) => !before.includes(id));
    }, 240_000, 1000);
    await until('the forced update completed', async () => (await engine()).State === 'completed', 120_000, 1000);
  }, 500_000);

  it('flotilla service resume (through the host) makes the engine run a paused update again', async () => {
    const paused = await failingUpdate();
    const env: NodeJS.ProcessEnv = { ...process.env, FLOTILLA_HOME: home };
    const r = await pexec(process.execPath, [BIN, '-H', `ssh://root@${n1.ip}`, '--ssh-key', n1.identity, '--json', 'service', 'resume', name], { env, timeout: 120_000 });
    expect(r.stderr).toContain(`resumed the update of ${name}, now`);
    const out = JSON.parse(r.stdout) as { was: string; now: string; asked: number };
    console.log(`[rollouts] resume: was ${out.was}, now ${out.now}, asked ${out.asked} time(s)`);
    expect(out.was).toBe('paused');
    // the engine runs the update again (or already paused it again: the new tasks still exit)
    expect(['updating', 'paused']).toContain(out.now);
    // the engine ran its updater again: a new start time (and, the new tasks still exiting, paused once more)
    // (right after the resume the engine may list the update with no start time yet: wait for the new one)
    const again = await until('the engine restarted the update', async () => {
      const e = await engine();
      return !!e.StartedAt && e.StartedAt !== paused.StartedAt && e;
    }, 120_000, 500);
    expect(Date.parse(again.StartedAt ?? '')).toBeGreaterThan(Date.parse(paused.StartedAt ?? ''));
    await until('paused again (the new tasks still exit)', async () => (await engine()).State === 'paused', 180_000, 1000);
  }, 500_000);
});
