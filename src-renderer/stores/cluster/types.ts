// The cluster model the views draw: arrays, with tasks' times as numbers. adapt.ts builds it from the
// swarm domain's ClusterModel ('swarm.model' stream), converting only what each diff changes. Every type
// here is derived from the contract's (src-main/api/domains/swarm), so a field added there shows up here.
import type { Node, PortMapping, Service, Task } from '../../../src-main/api/domains/swarm';

/** the node facts a node engine reports; optional here so demo data and tests can leave them out */
type NodeFacts = 'engineVersion' | 'addr' | 'cpus' | 'memoryBytes';
export type BoardNode = Omit<Node, NodeFacts> & Partial<Pick<Node, NodeFacts>>;

export type BoardPort = PortMapping;

export type BoardService = Pick<Service, 'id' | 'name' | 'stack' | 'mode' | 'replicas' | 'image' | 'updateStatus' | 'createdAt' | 'updatedAt'> & {
  /** published ports (the Services view shows them; the board does not) */
  ports?: BoardPort[];
};

export type BoardTask = Pick<Task, 'id' | 'serviceId' | 'nodeId' | 'image' | 'state' | 'desiredState' | 'error' | 'message' | 'containerId'> & {
  /** replicated services only (global tasks have none) */
  slot?: number;
  /** ms since the epoch (the task's status time) */
  updatedAt: number;
};

export interface BoardModel {
  nodes: BoardNode[];
  services: BoardService[];
  tasks: BoardTask[];
}
