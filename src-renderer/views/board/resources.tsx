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
  const show = useStats((s) => s.showOnCards);
  const stats = useStats((s) => s.byTask[taskId]);
  return show ? <TaskBars stats={stats} /> : null;
}

/** live CPU and memory in each node header, and on task cards when the toggle is on */
export const BOARD_RESOURCES: ResourceSlots = { node: (id) => <LiveNodeBars nodeId={id} />, task: (id) => <LiveTaskBars taskId={id} /> };

export function LiveStatsToggle(): ReactElement {
  const checked = useStats((s) => s.showOnCards);
  return <StatsToggle checked={checked} onChange={(v) => statsStore.getState().setShowOnCards(v)} />;
}
