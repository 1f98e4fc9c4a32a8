// The Board's live resources: the bars of components/stats connected to the stats store (a node header's bars to
// its node's figures, a card's to its task's when the toggle is on), and the toggle itself.
import type { ReactElement } from 'react';
import { statsStore, useStats } from '../../stores';
import { NodeBars, StatsToggle, TaskBars } from '../../components/stats/ResourceBars';
import type { ResourceSlots } from '../../components/stats/slots';

function LiveNodeBars({ nodeId }: { nodeId: string }): ReactElement {
  const stats = useStats((s) => s.byNode[nodeId]);
  const error = useStats((s) => s.error);
  return <NodeBars stats={stats} error={error} />;
}

function LiveTaskBars({ taskId }: { taskId: string }): ReactElement | null {
  const stats = useStats((s) => s.byTask[taskId]);
  return <TaskBars stats={stats} />;
}

/** live CPU and memory in each node header */
const NODE_RESOURCES: ResourceSlots = { node: (id) => <LiveNodeBars nodeId={id} /> };
/** ... and on task cards */
const NODE_AND_TASK_RESOURCES: ResourceSlots = { ...NODE_RESOURCES, task: (id) => <LiveTaskBars taskId={id} /> };

/** the slots the Board fills: a card gets its bars (and its store subscription) only while the toggle is on, so
 * with it off a thousand cards subscribe to nothing */
export function useBoardResources(): ResourceSlots {
  return useStats((s) => s.showOnCards) ? NODE_AND_TASK_RESOURCES : NODE_RESOURCES;
}

export function LiveStatsToggle(): ReactElement {
  const checked = useStats((s) => s.showOnCards);
  return <StatsToggle checked={checked} onChange={(v) => statsStore.getState().setShowOnCards(v)} />;
}
