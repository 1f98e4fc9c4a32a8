// Where live resources go in views that stay pure in their inputs (the Board renders in benches and tests with no
// api): the view that holds the stats stream provides what to draw in a node header and on a task card.
import { createContext, useContext, type ReactElement, type ReactNode } from 'react';

export interface ResourceSlots {
  node?: (nodeId: string) => ReactNode;
  task?: (taskId: string) => ReactNode;
}

export const ResourceSlotsContext = createContext<ResourceSlots>({});

export function NodeResources({ nodeId }: { nodeId: string }): ReactElement | null {
  const slots = useContext(ResourceSlotsContext);
  return slots.node ? <>{slots.node(nodeId)}</> : null;
}

export function TaskResources({ taskId }: { taskId: string }): ReactElement | null {
  const slots = useContext(ResourceSlotsContext);
  return slots.task ? <>{slots.task(taskId)}</> : null;
}
