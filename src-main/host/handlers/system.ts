import type { systemContract } from '../../api/domains/system';
import type { HandlersFor } from '../types';
import type { Services } from '../services';
import { FlotillaError } from '../../api/errors';
import { VERSION } from '../../core/version';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new FlotillaError('CANCELLED', 'cancelled'));
    }, { once: true });
  });
}

export function systemHandlers(s: Services): HandlersFor<typeof systemContract> {
  return {
    'system.info': async () => ({ version: VERSION, transport: s.transport, platform: `${process.platform}-${process.arch}` }),
    'system.echo': async ({ text }) => ({ text }),
    'system.sleep': async ({ ms }, { signal }) => {
      await sleep(ms, signal);
      return { slept: ms };
    },
    'system.ticks': async ({ intervalMs, limit }, emit, { signal }) => {
      for (let n = 1; !signal.aborted && (limit === undefined || n <= limit); n++) {
        try {
          await sleep(intervalMs, signal);
        } catch {
          return;
        }
        emit({ n });
      }
    },
  };
}
