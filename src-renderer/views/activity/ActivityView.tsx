// The Activity view: what happened in the chosen swarm (the last 1,000 items, newest first), filterable by
// kind, node, service and words, each linking to its node, service or task; and the notification settings.
// The feed fills whether or not this view is open (stores/activity.ts follows the live model; ActivityWatch
// keeps the model watched), so notifications come while another view is on screen.
import { useDeferredValue, useEffect, useMemo, useState, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { ACTIVITY_KINDS, ACTIVITY_LABELS, type ActivityKind } from '../../../src-main/api/activity';
import { ViewHeader } from '../../components/ViewHeader';
import { StateMessage } from '../../components/StateMessage';
import { activityStore, clusterStore, useActivity } from '../../stores';
import { useSwarmTarget } from '../../stores/swarm-target';
import { FEED_MAX } from '../../stores/activity';
import { ActivityList } from './ActivityList';
import { ActivitySettings } from './ActivitySettings';
import { NO_FILTERS, filterActivity, filterChoices, type ActivityFilters } from './filter';
import './activity.css';

/** keeps the chosen swarm's model watched app-wide, so activity (and notifications) come on any view */
export function ActivityWatch(): null {
  const { engineId } = useSwarmTarget();
  useEffect(() => {
    if (engineId) clusterStore.getState().watch(engineId);
  }, [engineId]);
  return null;
}

function Filters({ f, set, choices }: { f: ActivityFilters; set(f: ActivityFilters): void; choices: ReturnType<typeof filterChoices> }): ReactElement {
  return (
    <div className="activity-filters" role="group" aria-label="filter the activity">
      <select className="select" value={f.kind} onChange={(e) => set({ ...f, kind: e.target.value as ActivityKind | '' })} aria-label="kind" data-testid="filter-kind">
        <option value="">every kind</option>
        {ACTIVITY_KINDS.map((k) => (
          <option key={k} value={k}>
            {ACTIVITY_LABELS[k]}
          </option>
        ))}
      </select>
      <select className="select" value={f.node} onChange={(e) => set({ ...f, node: e.target.value })} aria-label="node" data-testid="filter-node">
        <option value="">every node</option>
        {choices.nodes.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <select className="select" value={f.service} onChange={(e) => set({ ...f, service: e.target.value })} aria-label="service" data-testid="filter-service">
        <option value="">every service</option>
        {choices.services.map(([id, name]) => (
          <option key={id} value={id}>
            {name}
          </option>
        ))}
      </select>
      <input className="input" type="search" placeholder="words…" value={f.text} onChange={(e) => set({ ...f, text: e.target.value })} aria-label="words" data-testid="filter-text" />
      {f !== NO_FILTERS && (
        <button className="btn small" onClick={() => set(NO_FILTERS)}>
          Show all
        </button>
      )}
    </div>
  );
}

export function ActivityView(): ReactElement {
  const items = useActivity((s) => s.items);
  const { engineId, loading } = useSwarmTarget();
  const live = useStore(clusterStore, (s) => s.status === 'live' && s.engineId === engineId);
  const [filters, setFilters] = useState<ActivityFilters>(NO_FILTERS);
  const deferred = useDeferredValue(items);
  const shown = useMemo(() => filterActivity(deferred, filters), [deferred, filters]);
  const choices = useMemo(() => filterChoices(deferred), [deferred]);

  let body: ReactElement;
  if (!engineId)
    body = loading ? (
      <StateMessage kind="loading" title="Looking for a swarm manager…" />
    ) : (
      <StateMessage title="No swarm to follow" testId="activity-no-swarm">
        <p>None of the engines Flotilla knows is a swarm manager. Once one is, what happens in its swarm is recorded here.</p>
      </StateMessage>
    );
  else if (!items.length)
    body = (
      <StateMessage title={live ? 'Nothing has happened yet' : 'Following the swarm…'} testId="activity-empty">
        <p>Failed tasks, nodes going down or coming back, paused or drained nodes, paused updates, rollbacks and finished deploys appear here as they happen.</p>
      </StateMessage>
    );
  else
    body = (
      <>
        <Filters f={filters} set={setFilters} choices={choices} />
        {shown.length ? <ActivityList items={shown} engineId={engineId} /> : <StateMessage title="Nothing matches these filters" />}
      </>
    );

  return (
    <>
      <ViewHeader
        title="Activity"
        sub={`${items.length} event${items.length === 1 ? '' : 's'} (the last ${FEED_MAX.toLocaleString()} are kept while Flotilla runs)`}
        actions={
          items.length > 0 && (
            <button className="btn small" onClick={() => activityStore.getState().clear()} data-testid="activity-clear">
              Clear
            </button>
          )
        }
      />
      <div className="view-body activity-view">
        <ActivitySettings />
        {body}
      </div>
    </>
  );
}
