import { z } from 'zod';
import { request, stream } from '../kit';

export const systemContract = {
  'system.info': request(
    'what this Flotilla is: version, transport, platform',
    z.object({}).strict(),
    z.object({ version: z.string(), transport: z.enum(['electron', 'websocket', 'in-process']), platform: z.string() }),
  ),
  'system.echo': request('echo a text back (transport self-test)', z.object({ text: z.string().max(10_000) }).strict(), z.object({ text: z.string() })),
  'system.sleep': request(
    'wait a while, honouring cancellation (transport self-test)',
    z.object({ ms: z.number().int().min(0).max(600_000) }).strict(),
    z.object({ slept: z.number() }),
  ),
  'system.ticks': stream(
    'count upward every interval until disposed (transport self-test)',
    z.object({ intervalMs: z.number().int().min(1).max(60_000), limit: z.number().int().min(1).optional() }).strict(),
    z.object({ n: z.number().int() }),
  ),
};
