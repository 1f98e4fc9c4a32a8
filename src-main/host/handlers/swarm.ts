// Swarm handlers: the engine named by `engineId` (from the engine directory) is the manager; nodes' own
// engines are found in the same directory by address (lab hosts and machines are listed there).
import type { swarmContract } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import * as sw from '../../core/swarm';
import type { Cluster, ClusterNodeRef } from '../../core/swarm';
import type { EngineConnection } from '../../core/engine';

const OK = { ok: true as const };

function hostOf(t: { kind: string; host?: string }): string | undefined {
  return t.kind === 'tcp' || t.kind === 'ssh' ? t.host : undefined;
}

/** The swarm whose manager is the directory's engine `engineId`; nodes' engines are found in the same directory. */
export function directoryCluster(s: Services): (engineId: string) => Promise<Cluster> {
  /** a node's engine: the directory entry whose host is the node's address (or whose name is its hostname) */
  async function connectNode(node: ClusterNodeRef): Promise<EngineConnection> {
    const all = await s.engines.list();
    const hit = all.find((e) => hostOf(e.target) === node.addr) ?? all.find((e) => e.name === node.hostname);
    if (!hit) throw new FlotillaError('UNREACHABLE', `no engine is known for node ${node.hostname} at ${node.addr}: add it as an engine (or create it as a machine) so Flotilla can reach it`);
    return s.engines.connect(hit.id);
  }
  return async (engineId) => ({ manager: await s.engines.connect(engineId), connectNode });
}

export function swarmHandlers(s: Services): HandlersFor<typeof swarmContract> {
  const conn = (id: string): Promise<EngineConnection> => s.engines.connect(id);
  const cluster = directoryCluster(s);
  const endpoint = async (engineId: string): Promise<sw.NodeEndpoint> => {
    const e = (await s.engines.list()).find((x) => x.id === engineId);
    if (!e) throw new FlotillaError('NOT_FOUND', `no such engine: ${engineId}; list them with engines.list (or \`flotilla engine ls\`)`);
    // createSwarm closes what connect() returns: hand it a view whose close() leaves the pooled connection open
    return { name: e.name, connect: async () => ({ ...(await conn(engineId)), close: async () => undefined }) };
  };

  return {
    'swarm.info': async ({ engineId }) => sw.swarmInfo(await conn(engineId)),
    'swarm.init': async ({ engineId, advertiseAddr }) => sw.swarmInit(await conn(engineId), { advertiseAddr }),
    'swarm.join': async ({ engineId, managerEngineId, role, advertiseAddr }) => sw.swarmJoin(await conn(engineId), await conn(managerEngineId), role, { advertiseAddr }),
    'swarm.leave': async ({ engineId, force }) => {
      await sw.swarmLeave(await conn(engineId), { force });
      return OK;
    },
    'swarm.joinToken': async ({ engineId, role, rotate }) => sw.joinToken(await conn(engineId), role, rotate),
    'swarm.update': async ({ engineId, ...u }) => sw.swarmUpdate(await conn(engineId), u),
    'swarm.create': async ({ managers, workers }, emit, { signal }) => {
      const result = await sw.createSwarm({
        managers: await Promise.all(managers.map(endpoint)),
        workers: await Promise.all(workers.map(endpoint)),
        onProgress: (progress) => emit({ kind: 'progress', progress }),
        signal,
      });
      emit({ kind: 'done', result });
    },

    'swarm.nodes.list': async ({ engineId }) => sw.listNodes(await conn(engineId)),
    'swarm.nodes.inspect': async ({ engineId, node }) => ({ ...(await sw.inspectNode(await conn(engineId), node)) }),
    'swarm.nodes.setAvailability': async ({ engineId, node, availability }) => sw.setAvailability(await conn(engineId), node, availability),
    'swarm.nodes.setRole': async ({ engineId, node, role }) => sw.setRole(await conn(engineId), node, role),
    'swarm.nodes.quorum': async ({ engineId, node, role }) => {
      const r = await sw.roleChangeReport(await conn(engineId), node, role);
      return r.refuse ? { ...r.report, warnings: [r.refuse, ...r.report.warnings] } : r.report;
    },
    'swarm.nodes.label': async ({ engineId, node, add, remove }) => sw.labelNode(await conn(engineId), node, add, remove),
    'swarm.nodes.remove': async ({ engineId, node, force }) => sw.removeNode(await cluster(engineId), node, { force }),

    'swarm.services.list': async ({ engineId }) => sw.listServices(await conn(engineId)),
    'swarm.services.inspect': async ({ engineId, service }) => ({ ...(await sw.inspectService(await conn(engineId), service)) }),
    'swarm.services.create': async ({ engineId, spec }) => sw.createService(await conn(engineId), spec),
    'swarm.services.update': async ({ engineId, service, update }) => sw.updateService(await conn(engineId), service, update),
    'swarm.services.scale': async ({ engineId, service, replicas }) => {
      await sw.scaleService(await conn(engineId), service, replicas);
      return OK;
    },
    'swarm.services.rollback': async ({ engineId, service }) => {
      await sw.rollbackService(await conn(engineId), service);
      return OK;
    },
    'swarm.services.remove': async ({ engineId, service }) => {
      await sw.removeService(await conn(engineId), service);
      return OK;
    },
    'swarm.services.logs': async ({ engineId, service, ...o }, emit, { signal }) => sw.serviceLogs(await conn(engineId), service, { ...o, signal }, emit),

    'swarm.tasks.list': async ({ engineId, service, node }) => {
      const m = await conn(engineId);
      const serviceId = service ? (await sw.inspectService(m, service)).ID : undefined;
      const nodeId = node ? (await sw.resolveNode(m, node)).ID : undefined;
      return sw.listTasks(m, { serviceId, nodeId });
    },
    'swarm.tasks.logs': async ({ engineId, task, ...o }, emit, { signal }) => sw.taskLogs(await cluster(engineId), task, { ...o, signal }, emit),
    'swarm.containers.logs': async ({ engineId, container, ...o }, emit, { signal }) => sw.containerLogs(await conn(engineId), container, { ...o, signal }, emit),
    'swarm.exec': async ({ engineId, target, cmd, user, workdir, env }, { signal }) => sw.execInTask(await cluster(engineId), target, { cmd, user, workdir, env, signal }),

    'swarm.secrets.list': async ({ engineId }) => sw.listSecrets(await conn(engineId)),
    'swarm.secrets.create': async ({ engineId, name, data, labels }) => sw.createSecret(await conn(engineId), name, data, labels),
    'swarm.secrets.inspect': async ({ engineId, secret }) => sw.inspectSecret(await conn(engineId), secret),
    'swarm.secrets.remove': async ({ engineId, secret }) => {
      await sw.removeSecret(await conn(engineId), secret);
      return OK;
    },
    'swarm.configs.list': async ({ engineId }) => sw.listConfigs(await conn(engineId)),
    'swarm.configs.create': async ({ engineId, name, data, labels }) => sw.createConfig(await conn(engineId), name, data, labels),
    'swarm.configs.inspect': async ({ engineId, config }) => sw.inspectConfig(await conn(engineId), config),
    'swarm.configs.remove': async ({ engineId, config }) => {
      await sw.removeConfig(await conn(engineId), config);
      return OK;
    },
    'swarm.networks.list': async ({ engineId }) => sw.listNetworks(await conn(engineId)),
    'swarm.networks.create': async ({ engineId, ...o }) => sw.createOverlay(await conn(engineId), o),
    'swarm.networks.inspect': async ({ engineId, network }) => sw.inspectNetwork(await conn(engineId), network),
    'swarm.networks.remove': async ({ engineId, network }) => {
      await sw.removeNetwork(await conn(engineId), network);
      return OK;
    },
    'swarm.volumes.list': async ({ engineId }) => (await sw.listVolumes(await cluster(engineId))).volumes,

    'swarm.model': async ({ engineId }, emit, { signal }) => sw.watchClusterModel(await cluster(engineId), signal, emit),
  };
}
