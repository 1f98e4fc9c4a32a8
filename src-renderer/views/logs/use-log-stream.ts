// One stream of log lines (a service's, task's, container's, or a whole stack's) into the feed, restarted when the target or
// the options change. The backlog is held and put in time order (BacklogGate), then lines show as they come.
import { useEffect, useState } from 'react';
import { api } from '../../api';
import type { LogTarget } from '../../stores/nav';
import type { LogFeed } from './log-feed';
import { BacklogGate } from './backlog';
import { stackEntry } from './stack-source';

export type Status = 'idle' | 'connecting' | 'live' | 'ended' | 'error';

function targetKey(t: LogTarget | undefined): string {
  if (!t) return '';
  if (t.kind === 'stack') return `k:${t.engineId}:${t.stack}`;
  return t.kind === 'service' ? `s:${t.engineId}:${t.serviceId}` : t.kind === 'task' ? `t:${t.engineId}:${t.taskId}` : `c:${t.engineId}:${t.containerId}`;
}

/** one stream of log lines into the feed, restarted when the target or the options change */
export function useLogStream(feed: LogFeed, target: LogTarget | undefined, tail: string, since: string, attempt: number): { status: Status; error?: string } {
  const [state, setState] = useState<{ status: Status; error?: string }>({ status: 'idle' });
  const key = targetKey(target);
  useEffect(() => {
    feed.clear();
    if (!target) {
      setState({ status: 'idle' });
      return;
    }
    setState({ status: 'connecting' });
    const opts = { follow: true, timestamps: true, tail: tail === 'all' ? ('all' as const) : Number(tail), ...(since ? { since } : {}) };
    let live = false;
    // the backlog (each task's tail) arrives in a burst: held and put in time order, then lines show as they come
    const gate = new BacklogGate((l) => feed.push(l));
    const handlers = {
      onEvent: (l: { stream: 'stdout' | 'stderr'; line: string; timestamp?: string; taskId?: string }, pushed = false) => {
        if (!pushed) gate.push({ stream: l.stream, text: l.line, timestamp: l.timestamp, taskId: l.taskId });
        if (!live) {
          live = true; // one state change for the first line, none for the next thousands
          setState({ status: 'live' });
        }
      },
      onError: (e: Error) => setState({ status: 'error', error: e.message }),
      onEnd: () => setState({ status: 'ended' }),
    };
    let dispose: () => void;
    try {
      if (target.kind === 'stack') {
        // every service of the stack, named by the host; coloured per service
        const onEvent = (l: Parameters<typeof stackEntry>[0]): void => {
          gate.push(stackEntry(l));
          handlers.onEvent(l, true);
        };
        dispose = api.subscribe('stacks.logs', { engineId: target.engineId, stack: target.stack, ...opts }, { ...handlers, onEvent });
      } else if (target.kind === 'service') dispose = api.subscribe('swarm.services.logs', { engineId: target.engineId, service: target.serviceId, ...opts }, handlers);
      else if (target.kind === 'task') dispose = api.subscribe('swarm.tasks.logs', { engineId: target.engineId, task: target.taskId, ...opts }, handlers);
      else dispose = api.subscribe('swarm.containers.logs', { engineId: target.engineId, container: target.containerId, ...opts }, handlers);
    } catch (e) {
      setState({ status: 'error', error: (e as Error).message });
      return;
    }
    // the engine sends nothing for a quiet service: after a moment, say it is live anyway
    const t = setTimeout(() => setState((s) => (s.status === 'connecting' ? { status: 'live' } : s)), 1500);
    return () => {
      clearTimeout(t);
      gate.dispose();
      dispose();
    };
  }, [feed, key, tail, since, attempt]);
  return state;
}
