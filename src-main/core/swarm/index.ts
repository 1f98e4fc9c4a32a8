// Swarm operations over any engine connection. See README.md in this folder.
export * from './errors';
export type { Cluster, ClusterNodeRef } from './cluster';
export { pooledConnector } from './cluster';
export { createSwarm, type NodeEndpoint, type CreateSwarmOptions, type CreateSwarmResult, type CreateProgress } from './create';
export { swarmInfo, swarmInit, swarmJoin, swarmLeave, joinToken, swarmUpdate, requireManager } from './swarm';
export { listNodes, inspectNode, resolveNode, setAvailability, setRole, roleChangeReport, labelNode, removeNode } from './nodes';
export { quorumReport, majorityOf, toleratesOf } from './quorum';
export { listServices, inspectService, createService, updateService, scaleService, rollbackService, removeService } from './services';
export { buildServiceSpec, applyServiceUpdate, parsePublish, parseMount } from './service-spec';
export { listTasks, psRows, locateTask, resolveTask } from './tasks';
export { serviceLogs, taskLogs, containerLogs, Demuxer, LineSplitter, parseLogLine } from './logs';
export { execCollect, execInteractive, execInTask } from './exec';
export { createSecret, listSecrets, inspectSecret, removeSecret } from './secrets';
export { createConfig, listConfigs, inspectConfig, removeConfig } from './configs';
export { createOverlay, listNetworks, inspectNetwork, removeNetwork } from './networks';
export { listVolumes } from './volumes';
export { ClusterWatcher, watchClusterModel } from './events';
export { buildModel, diffModels, applyChanges, emptyModel } from './cluster-model';
