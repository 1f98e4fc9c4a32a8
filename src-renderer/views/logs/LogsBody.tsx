// What the Logs view shows under its toolbars: the states before there is a target (no swarm, loading, no
// services, pick one), a stream that stopped, or the list with a note while it has no line to show.
import type { ReactElement } from 'react';
import { StateMessage } from '../../components/StateMessage';
import type { ClusterState } from '../../stores/cluster';
import type { SwarmTarget } from '../../stores/swarm-target';
import { LogList, type Prefix, type RowSource } from './LogList';
import type { LogEntry, LogRing } from './ring-buffer';
import type { LogSearch } from './use-log-search';
import type { Status } from './use-log-stream';

/** no target yet: why, and what to do */
export function NoTarget({ swarm, cluster, serviceCount, onRetry }: { swarm: SwarmTarget; cluster: ClusterState; serviceCount: number; onRetry(): void }): ReactElement {
  if (!swarm.engineId && swarm.loading) return <StateMessage kind="loading" title="Looking for a swarm manager…" />;
  if (!swarm.engineId)
    return (
      <StateMessage title="No swarm to read logs from">
        <p>
          None of the engines Flotilla knows is a swarm manager. Create a swarm in <b>Machines</b>, or run <code>docker swarm init</code> on an engine; its services&apos;
          logs show here.
        </p>
      </StateMessage>
    );
  if (cluster.status === 'error')
    return (
      <StateMessage kind="error" title="Cannot list the services of this swarm">
        <pre>{cluster.error}</pre>
        <button className="btn" onClick={onRetry}>
          Try again
        </button>
      </StateMessage>
    );
  if (cluster.status !== 'live') return <StateMessage kind="loading" title="Reading the swarm's services…" />;
  if (serviceCount === 0)
    return (
      <StateMessage title="No services yet">
        <p>This swarm runs no service, so there are no logs to read. Deploy a stack in <b>Stacks</b> or create a service in <b>Services</b>.</p>
      </StateMessage>
    );
  return (
    <StateMessage title="Pick a service">
      <p>Choose a service above to follow its logs (all its tasks, each with its own colour), or one of its tasks. The Board and Services views open logs here too.</p>
    </StateMessage>
  );
}

export interface LogPaneProps {
  search: LogSearch;
  ring: LogRing;
  version: number;
  status: Status;
  label: string;
  since: string;
  follow: boolean;
  onFollowChange(f: boolean): void;
  showTimestamps: boolean;
  prefixOf?: (e: LogEntry) => Prefix | undefined;
}

/** the list, with a note over it while it has no line to show */
export function LogPane({ search, ring, version, status, label, since, follow, onFollowChange, showTimestamps, prefixOf }: LogPaneProps): ReactElement {
  const rows: RowSource = search.rows;
  const { currentSeq } = search;
  return (
    <div className="log-pane">
      <LogList
        rows={rows}
        version={version}
        follow={follow}
        onFollowChange={onFollowChange}
        showTimestamps={showTimestamps}
        prefixOf={prefixOf}
        matcher={search.parsed.matcher}
        currentSeq={currentSeq}
        scrollToIndex={currentSeq !== undefined ? search.indexOfSeq(currentSeq) : undefined}
      />
      {rows.count === 0 && (
        <div className="log-overlay" role="status" data-testid="logs-waiting">
          {status === 'connecting' ? (
            <>
              <span className="spinner" aria-hidden="true" /> Connecting to the logs of {label}…
            </>
          ) : ring.length > 0 ? (
            'No line matches the filters: clear the search or show both streams.'
          ) : status === 'ended' ? (
            `${label} has no logs${since ? ' in this time range' : ''}: widen "since", or check that it ran.`
          ) : (
            `Waiting for ${label} to write something${since ? ' (or widen "since")' : ''}…`
          )}
        </div>
      )}
    </div>
  );
}
