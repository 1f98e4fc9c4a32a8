// The cluster model the board draws: arrays, with tasks' times as numbers. adapt.ts builds it from the
// swarm domain's ClusterModel ('swarm.model' stream), converting only what each diff changes.

export interface BoardNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  leader: boolean;
  availability: 'active' | 'pause' | 'drain';
  status: string; // ready | down | unknown | disconnected
  engineVersion?: string;
  addr?: string;
  cpus?: number;
  memoryBytes?: number;
  labels: Record<string, string>;
  reachability?: string;
}

export interface BoardUpdateStatus {
  state: string; // updating | paused | completed | rollback_started | rollback_paused | rollback_completed
  message?: string;
  /** tasks already on the new spec, of all the service's tasks */
  progress?: { n: number; m: number };
}

export interface BoardPort {
  published?: number;
  target: number;
  protocol: string;
  mode: string;
}

export interface BoardService {
  id: string;
  name: string;
  stack?: string;
  mode: 'replicated' | 'global' | string;
  replicas: { desired: number; running: number };
  image: string;
  updateStatus?: BoardUpdateStatus;
  /** published ports (the Services view shows them; the board does not) */
  ports?: BoardPort[];
  createdAt?: string;
  updatedAt?: string;
}

export interface BoardTask {
  id: string;
  serviceId: string;
  /** replicated services only (global tasks have none) */
  slot?: number;
  nodeId?: string;
  image: string;
  state: string; // new pending assigned accepted preparing starting running complete shutdown failed rejected orphaned remove
  desiredState: string;
  error?: string;
  message?: string;
  updatedAt: number; // ms since epoch
  containerId?: string;
}

export interface BoardModel {
  nodes: BoardNode[];
  services: BoardService[];
  tasks: BoardTask[];
}

export interface BoardFilters {
  stack: string; // '' = all
  service: string; // '' = all (service id)
  text: string;
  runningOnly: boolean;
}

export const NO_FILTERS: BoardFilters = { stack: '', service: '', text: '', runningOnly: false };
