// Knows every engine the UI can show (local, lab hosts, machines) and keeps one pooled connection per engine.
import type { EngineSummary } from '../api/domains/engines';
import { FlotillaError } from '../api/errors';
import { connectEngine, resolveLocalTarget, targetToUrl, type EngineConnection, type EngineTarget, type ConnectOptions } from '../core/engine';

export interface KnownEngine extends EngineSummary {
  target: EngineTarget;
}
/** a directory entry for a target: its URL and transport read from the target */
export function knownEngine(id: string, name: string, target: EngineTarget, source: KnownEngine['source'] = 'added'): KnownEngine {
  return { id, name, url: targetToUrl(target), source, transport: target.kind === 'tcp' ? (target.tls ? 'tls' : 'tcp') : target.kind, target };
}
export type EngineProvider = () => Promise<KnownEngine[]>;

export class EngineDirectory {
  private readonly providers: EngineProvider[] = [];
  private readonly pool = new Map<string, Promise<EngineConnection>>();
  private readonly known = new Map<string, KnownEngine>();

  constructor(private readonly connectOptions: ConnectOptions = {}) {
    this.addProvider(async () => [knownEngine('local', 'local', resolveLocalTarget(), 'local')]);
  }

  addProvider(p: EngineProvider): void {
    this.providers.push(p);
  }

  /** an engine the caller chose itself (the CLI's -H, --machine or a URL flag), known without asking the providers */
  add(e: KnownEngine): void {
    this.known.set(e.id, e);
  }

  /** the engine with this id: one already known, else what the providers list now */
  async find(id: string): Promise<KnownEngine | undefined> {
    return this.known.get(id) ?? (await this.list()).find((e) => e.id === id);
  }

  async list(): Promise<KnownEngine[]> {
    const lists = await Promise.all(this.providers.map((p) => p().catch(() => [] as KnownEngine[])));
    const all = lists.flat();
    for (const e of all) this.known.set(e.id, e);
    return all;
  }

  async connect(id: string): Promise<EngineConnection> {
    const e = await this.find(id);
    if (!e) throw new FlotillaError('NOT_FOUND', `no such engine: ${id}; list them with engines.list (or \`flotilla engine ls\`)`);
    let p = this.pool.get(id);
    if (!p) {
      p = connectEngine(e.target, this.connectOptions);
      this.pool.set(id, p);
      p.catch(() => this.pool.delete(id));
    }
    return p;
  }

  /** forget a pooled connection (after an error or when a machine is removed) */
  async drop(id: string): Promise<void> {
    const p = this.pool.get(id);
    this.pool.delete(id);
    if (p) await p.then((c) => c.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
