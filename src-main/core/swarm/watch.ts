// One subscriber's live cluster model (the CLI's `events`, the host's swarm.model stream): a ClusterWatcher for as long
// as the caller's signal lasts.
import type { ModelEvent } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { Cluster } from './cluster';
import { ClusterWatcher, type WatcherOptions } from './events';

type Listener = (e: ModelEvent) => void;

/** Convenience for one subscriber: starts a watcher, streams events until the signal aborts. */
export async function watchClusterModel(cluster: Cluster, signal: AbortSignal, onEvent: Listener, opts?: WatcherOptions): Promise<void> {
  const w = new ClusterWatcher(cluster, opts);
  try {
    await w.start();
    w.subscribe(onEvent);
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      w.onFatal((e) => reject(new FlotillaError('UNREACHABLE', `the swarm model lost its manager connection (${e.message}); subscribe again`)));
    });
  } finally {
    w.stop();
  }
}
