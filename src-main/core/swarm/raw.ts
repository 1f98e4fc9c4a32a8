// Calls the Docker API directly (through dockerode's modem) for endpoints dockerode does not wrap.
import type { EngineConnection } from '../engine';

export function rawGet<T>(conn: EngineConnection, path: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    conn.docker.modem.dial({ path, method: 'GET', statusCodes: { 200: true, 404: 'not found', 500: 'server error', 503: 'node is not part of a swarm' } }, (err: unknown, data: unknown) =>
      err ? reject(err) : resolve(data as T),
    );
  });
}
