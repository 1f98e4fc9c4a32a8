// Swarm operations over any engine connection. See README.md in this folder.
export * from './errors';
export type { Cluster, ClusterNodeRef } from './cluster';
export { pooledConnector } from './cluster';
export { createSwarm, type NodeEndpoint } from './create';
export { swarmInfo, swarmInit, swarmJoin, swarmLeave, joinToken, swarmUpdate } from './swarm';
export { listNodes, inspectNode, resolveNode, setAvailability, setRole, roleChangeReport, labelNode, removeNode } from './nodes';
export { listServices, inspectService, createService, updateService, scaleService, rollbackService, removeService } from './services';
export { listTasks, psRows, locateTask, resolveTask } from './tasks';
export { serviceLogs, taskLogs, containerLogs } from './logs';
export { execCollect, execInteractive, execInTask } from './exec';
export { createSecret, listSecrets, inspectSecret, removeSecret } from './secrets';
export { createConfig, listConfigs, inspectConfig, removeConfig } from './configs';
export { createOverlay, listNetworks, inspectNetwork, removeNetwork } from './networks';
export { listVolumes } from './volumes';
export { ClusterWatcher } from './events';
export { watchClusterModel } from './watch';
export { explainServiceTasks, explainOneTask } from './explain-engine';
export { watchSwarmStats, StatsMeter } from './stats';
