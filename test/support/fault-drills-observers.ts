// The two child observers of the fault drills (fault-drills.ts): `flotilla events --json` and `flotilla serve` with a
// WebSocket subscription to swarm.model, each folding what it is sent into a model. Neither may ever exit.
import { spawn, type ChildProcess } from 'node:child_process';
import WebSocket from 'ws';
import { applyChanges } from '../../src-main/core/swarm/cluster-model';
import type { ClusterModel, ModelEvent } from '../../src-main/api/domains/swarm';
import { createClient } from '../../src-renderer/api/client';
import { createWebSocketTransport, type WebSocketLike } from '../../src-renderer/api/ws-transport';
import { BIN, cliEnv, until, type DrillSwarm } from './fault-drills-swarm';

/** `flotilla --machine M events --json`, folded; it must still run at the end */
export class EventsChild {
  model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
  /** the last word on the manager source (lost, or connected via one) */
  lastManagerSource: Extract<ModelEvent, { type: 'source' }> | undefined;
  exited: string | undefined;
  stderr = '';
  private readonly child: ChildProcess;
  private buf = '';
  constructor(s: DrillSwarm, manager: string) {
    this.child = spawn(process.execPath, [BIN, '--machine', manager, '--json', 'events'], { env: cliEnv(s), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => {
      this.buf += c.toString('utf8');
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        let e: ModelEvent;
        try {
          e = JSON.parse(line) as ModelEvent;
        } catch {
          this.stderr += `not JSON on stdout: ${line}\n`;
          continue;
        }
        if (e.type === 'snapshot') this.model = e.model;
        else if (e.type === 'diff') this.model = applyChanges(this.model, e.changes);
        else if (e.type === 'source' && e.source === 'manager') this.lastManagerSource = e;
      }
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr = (this.stderr + c.toString('utf8')).slice(-4000)));
    this.child.on('exit', (code, sig) => (this.exited = `exit ${code ?? sig}`));
  }
  stop(): void {
    this.child.kill('SIGINT');
  }
}

/** `flotilla serve` and a WebSocket client subscribed to swarm.model; the server must still run at the end */
export class ServerChild {
  model: ClusterModel = { nodes: {}, services: {}, tasks: {} };
  /** the last word on the manager source (lost, or connected via one) */
  lastManagerSource: Extract<ModelEvent, { type: 'source' }> | undefined;
  exited: string | undefined;
  ended: string | undefined;
  output = '';
  private readonly child: ChildProcess;
  private ws: WebSocket | undefined;
  private dispose: (() => void) | undefined;
  constructor(s: { home: string; dockerConfig: string }) {
    this.child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: cliEnv(s), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => (this.output = (this.output + c.toString('utf8')).slice(-4000)));
    this.child.on('exit', (code, sig) => (this.exited = `exit ${code ?? sig}`));
  }
  /** the server's process id (its RSS is what the soak watches) */
  get pid(): number | undefined {
    return this.child.pid;
  }
  async subscribe(engineId: string): Promise<void> {
    const url = await until('the server URL', async () => /running at (http:\/\/\S+)/.exec(this.output)?.[1], 60_000);
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token') ?? ''}`);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const api = createClient(createWebSocketTransport(ws as unknown as WebSocketLike));
    this.dispose = api.subscribe(
      'swarm.model',
      { engineId },
      {
        onEvent: (e) => {
          if (e.type === 'snapshot') this.model = e.model;
          else if (e.type === 'diff') this.model = applyChanges(this.model, e.changes);
          else if (e.type === 'source' && e.source === 'manager') this.lastManagerSource = e;
        },
        onError: (e) => (this.ended = `error: ${e.message}`),
        onEnd: () => (this.ended = 'ended'),
      },
    );
  }
  async stop(): Promise<void> {
    this.dispose?.();
    this.ws?.close();
    this.child.kill('SIGINT');
    await until('the server to stop', async () => this.exited !== undefined, 15_000).catch(() => this.child.kill('SIGKILL'));
  }
}
