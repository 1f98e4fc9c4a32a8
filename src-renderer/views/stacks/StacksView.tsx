// The Stacks view: the stacks of the chosen swarm (live) on the left, the open stack's editor and panels
// on the right. Another view can ask for a stack with useNav().open({view: 'stacks', stack}).
import { lazy, Suspense, useEffect, useState, type ReactElement } from 'react';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { SwarmPicker } from '../../components/cluster';
import { useLiveCluster } from '../../stores/cluster';
import { useNav } from '../../stores/nav';
import { StackList, liveSignature, stackSummaries } from './StackList';
import { api } from '../../api';
import { openFromDisk, openLatest } from './stack-actions';
import { useWorkbench, workbench } from './stacks-store';
import { STARTER } from './workbench-store';
import './stacks.css';
import './workbench.css';

// the editor and its panels load when a stack is opened, so the list does not wait for Monaco
const Workbench = lazy(() => import('./Workbench'));

export function StacksView(): ReactElement {
  // the list works without the live model (stacks.ls); the model adds live counts when it is there
  const liveCluster = useLiveCluster();
  const { target, cluster } = liveCluster;
  const hasDoc = useWorkbench((s) => !!s.doc);
  const [selected, setSelected] = useState<string>();
  const engineId = target.engineId;

  useEffect(() => {
    workbench.getState().setEngine(engineId);
  }, [engineId]);

  // another view asked for a stack
  const intent = useNav((s) => s.intent);
  useEffect(() => {
    if (!engineId || intent?.view !== 'stacks') return;
    const i = useNav.getState().take('stacks');
    if (!i) return;
    setSelected(i.stack);
    void openLatest(i.stack);
  }, [intent, engineId]);

  const live = cluster.engineId === engineId ? cluster : undefined;
  const runStatus = useWorkbench((s) => s.run?.status);
  const [listed, setListed] = useState<{
    status: 'loading' | 'ready' | 'error';
    stacks: Array<{ name: string; services: number }>;
    error?: string;
  }>({ status: 'loading', stacks: [] });
  const [tick, setTick] = useState(0);
  // the list is read again when the swarm, a deploy's state or the live model's stacks change (no polling)
  const liveStacks = (live?.model.services ?? []).map((s) => `${s.stack ?? ''}:${s.id}`).join(',');
  useEffect(() => {
    if (!engineId) return;
    const ctl = new AbortController();
    api
      .invoke('stacks.ls', { engineId }, { signal: ctl.signal })
      .then((r) => setListed({ status: 'ready', stacks: r }))
      .catch((e: Error) => !ctl.signal.aborted && setListed((l) => ({ ...l, status: 'error', error: e.message })));
    return () => ctl.abort();
  }, [engineId, runStatus, liveStacks, tick]);
  const stacks = stackSummaries(listed.stacks, live?.model);
  const refreshKey = `${tick}/${runStatus ?? ''}/${selected ? liveSignature(live?.model, selected) : ''}`;
  const newStack = (): void => {
    const taken = new Set(listed.stacks.map((s) => s.name));
    let n = 1;
    while (taken.has(`stack${n}`)) n++;
    workbench.getState().open({
      fileName: 'docker-compose.yml',
      content: STARTER,
      stack: `stack${n}`,
    });
  };

  let body: ReactElement;
  if (!engineId && target.loading) body = <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  else if (!engineId)
    body = (
      <StateMessage title="No swarm to deploy to">
        <p>
          Stacks run on a swarm, and none of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b> (New swarm) or run <code>docker swarm init</code> on an engine, then come
          back.
        </p>
      </StateMessage>
    );
  else
    body = (
      <div className="stacks-body">
        <StackList
          engineId={engineId}
          stacks={stacks}
          status={listed.status}
          error={listed.error}
          selected={selected}
          refresh={refreshKey}
          onSelect={setSelected}
          onRefresh={() => setTick((t) => t + 1)}
        />
        {live?.status === 'error' && !hasDoc ? (
          <StateMessage kind="error" title="Could not follow the swarm live">
            <pre>{live.error}</pre>
            <p>The list still works (Refresh). Check that the manager engine is up (Engines view), or pick another swarm above.</p>
          </StateMessage>
        ) : hasDoc ? (
          <Suspense fallback={<StateMessage kind="loading" title="Loading the editor…" />}>
            <Workbench />
          </Suspense>
        ) : (
          <StateMessage title="Open or write a stack" testId="stacks-empty">
            <p>Pick a stack on the left and Open in editor, open a compose file from disk, or start a new one. Errors show at their line as you type; Plan shows what would change before Deploy.</p>
            <p>
              <button className="btn primary" onClick={newStack}>
                New stack
              </button>{' '}
              <button className="btn" onClick={() => void openFromDisk()}>
                Open a compose file…
              </button>
            </p>
          </StateMessage>
        )}
      </div>
    );

  return (
    <div className="stacks-view">
      <ViewHeader
        title="Stacks"
        sub={engineId ? <>on the swarm of {liveCluster.engineName ?? engineId}</> : undefined}
        actions={
          engineId ? (
            <>
              <SwarmPicker live={liveCluster} />
              <button className="btn" onClick={newStack} data-testid="new-stack">
                New stack
              </button>
              <button className="btn" onClick={() => void openFromDisk()}>
                Open file…
              </button>
              {hasDoc && (
                <button className="btn" onClick={() => workbench.getState().close()} title="close the editor (the stack keeps running)">
                  Close editor
                </button>
              )}
            </>
          ) : undefined
        }
      />
      {body}
    </div>
  );
}
