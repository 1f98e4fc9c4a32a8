// Version, resources and swarm state of one engine; and its raw event stream.
import type { EngineConnection } from './types';
import { FlotillaError } from '../../api/errors';
import { streamEngineEvents } from './events';

export interface EngineFacts {
  reachable: true;
  dockerVersion: string;
  apiVersion: string;
  os: string;
  arch: string;
  cpus: number;
  memoryBytes: number;
  swarm: { state: string; nodeId?: string; isManager: boolean; clusterId?: string };
}

interface DockerInfo {
  ServerVersion: string;
  OperatingSystem: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Swarm?: { LocalNodeState?: string; NodeID?: string; ControlAvailable?: boolean; Cluster?: { ID?: string } };
}

export async function engineInfo(conn: EngineConnection, _signal?: AbortSignal): Promise<EngineFacts> {
  const [info, version] = (await Promise.all([conn.docker.info(), conn.docker.version()])) as [DockerInfo, { ApiVersion: string }];
  return {
    reachable: true,
    dockerVersion: info.ServerVersion,
    apiVersion: version.ApiVersion,
    os: info.OperatingSystem,
    arch: info.Architecture,
    cpus: info.NCPU,
    memoryBytes: info.MemTotal,
    swarm: {
      state: info.Swarm?.LocalNodeState || 'inactive',
      nodeId: info.Swarm?.NodeID || undefined,
      isManager: Boolean(info.Swarm?.ControlAvailable),
      clusterId: info.Swarm?.Cluster?.ID || undefined,
    },
  };
}

export interface RawEngineEvent {
  type: string;
  action: string;
  actorId?: string;
  actorName?: string;
  time: number;
}

/** Streams /events until the signal aborts; resolves when the stream ends, rejects on error. */
export async function watchEngineEvents(conn: EngineConnection, signal: AbortSignal, onEvent: (e: RawEngineEvent) => void): Promise<void> {
  type Json = { Type?: string; Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> }; time?: number; timeNano?: number };
  try {
    await streamEngineEvents<Json>(conn, undefined, signal, (e) =>
      onEvent({
        type: e.Type ?? 'unknown',
        action: e.Action ?? '',
        actorId: e.Actor?.ID,
        actorName: e.Actor?.Attributes?.name,
        time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
      }),
    );
  } catch (err) {
    if (err instanceof FlotillaError) throw err;
    throw new FlotillaError('UNREACHABLE', `the event stream of ${conn.url} broke: ${(err as Error).message}`);
  }
}
