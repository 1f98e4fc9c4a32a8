// Swarm handlers: the engine named by `engineId` (from the engine directory) is the manager; nodes' own
// engines are reached as host/nodes.ts says (in the directory by address: lab hosts and machines are listed there).
import type { swarmContract } from '../../api/domains/swarm';
import { FlotillaError } from '../../api/errors';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { clusters } from '../nodes';
import * as sw from '../../core/swarm';
import type { EngineConnection } from '../../core/engine';

const OK = { ok: true as const };

export function swarmHandlers(s: Services): HandlersFor<typeof swarmContract> {
  const conn = (id: string): Promise<EngineConnection> => s.engines.connect(id);

  const { cluster } = clusters(s);
  const endpoint = async (engineId: string): Promise<sw.NodeEndpoint> => {
    const e = await s.engines.find(engineId);
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
    'swarm.nodes.remove': async ({ engineId, node, force }, { notes }) => sw.removeNode(await cluster(engineId), node, { force, onStep: notes?.step }),

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
    'swarm.services.resume': async ({ engineId, service }) => sw.resumeServiceUpdate(await conn(engineId), service),
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
    'swarm.tasks.ps': async ({ engineId, filters }) => sw.psTasks(await conn(engineId), filters),
    'swarm.tasks.inspect': async ({ engineId, task }) => ({ ...(await sw.resolveTask(await conn(engineId), task)) }),
    'swarm.tasks.logs': async ({ engineId, task, ...o }, emit, { signal }) => sw.taskLogs(await cluster(engineId), task, { ...o, signal }, emit),
    'swarm.containers.logs': async ({ engineId, container, ...o }, emit, { signal }) => sw.containerLogs(await conn(engineId), container, { ...o, signal }, emit),
    'swarm.exec': async ({ engineId, target, cmd, user, workdir, env }, { signal }) => sw.execInTask(await cluster(engineId), target, { cmd, user, workdir, env, signal }),

    'swarm.secrets.list': async ({ engineId }) => sw.listSecrets(await conn(engineId)),
    'swarm.secrets.create': async ({ engineId, name, data, encoding, labels }) => sw.createSecret(await conn(engineId), name, Buffer.from(data, encoding), labels),
    'swarm.secrets.inspect': async ({ engineId, secret }) => sw.inspectSecret(await conn(engineId), secret),
    'swarm.secrets.remove': async ({ engineId, secret }) => {
      await sw.removeSecret(await conn(engineId), secret);
      return OK;
    },
    'swarm.configs.list': async ({ engineId }) => sw.listConfigs(await conn(engineId)),
    'swarm.configs.create': async ({ engineId, name, data, encoding, labels }) => sw.createConfig(await conn(engineId), name, Buffer.from(data, encoding), labels),
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
    'swarm.volumes.list': async ({ engineId }, { notes }) => {
      const r = await sw.listVolumes(await cluster(engineId));
      for (const u of r.unreachable) notes?.warning?.(`node ${u.node} not reachable: ${u.error}`);
      return r.volumes;
    },

    'swarm.model': async ({ engineId }, emit, { signal }) => sw.watchClusterModel(await cluster(engineId), signal, emit),
  };
}
