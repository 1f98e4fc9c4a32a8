// The renderer's cluster module: the live model of the chosen swarm ('swarm.model' stream), typed by the
// contract, and what every cluster view reads from it (useLiveCluster). Its UI pieces (gate, swarm picker,
// lost sources) are components/cluster.tsx, which take a LiveCluster as props.
export type { BoardModel, BoardNode, BoardPort, BoardService, BoardTask } from './types';
export type { ClusterState } from './store';
export { applyModelEvent } from './adapt';
export { currentLost, isStale, lostNodes } from './lost';
export { useCoarseNow, useLiveCluster } from './live';
