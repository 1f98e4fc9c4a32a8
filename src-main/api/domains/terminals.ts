// The terminals domain: interactive shells (a PTY) on a machine or engine host over SSH, or in a task's or
// container's process namespace through `docker exec`. A session lives as long as its 'terminals.open'
// stream: the first event names its id, input goes in with 'terminals.write', size with 'terminals.resize',
// and disposing the stream closes the channel. Keys never cross the contract: the host reads them.
import { z } from 'zod';
import { request, stream } from '../kit';

const EngineId = z.string().min(1).max(200);
const Ref = z.string().min(1).max(300);
/** session ids are random (crypto.randomUUID) so one client cannot guess another's */
const SessionId = z.string().min(8).max(64);

export const TerminalTarget = z.discriminatedUnion('kind', [
  /** a Flotilla machine, over SSH with its own key and Flotilla's pinned known_hosts */
  z.object({ kind: z.literal('machine'), machine: z.string().min(1).max(63) }).strict(),
  /** the host of an engine: a machine's engine, or an engine reached over SSH (lab hosts) */
  z.object({ kind: z.literal('engine-host'), engineId: EngineId }).strict(),
  /** a swarm task's container, found through the manager `engineId` and exec'd on the node that runs it */
  z.object({ kind: z.literal('task'), engineId: EngineId, taskId: Ref }).strict(),
  /** a container on the engine `engineId` */
  z.object({ kind: z.literal('container'), engineId: EngineId, containerId: Ref }).strict(),
]);
export type TerminalTarget = z.infer<typeof TerminalTarget>;

const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(2).max(500);

export const TerminalEvent = z.discriminatedUnion('type', [
  /** the channel is open: `id` addresses writes and resizes; `title` says where it is */
  z.object({ type: z.literal('opened'), id: SessionId, title: z.string() }),
  /** output bytes, base64 (a UTF-8 character may be split across two events: decode as a stream) */
  z.object({ type: z.literal('data'), data: z.string() }),
  /** the shell ended; code is -1 when unknown (channel closed without a status) */
  z.object({ type: z.literal('exit'), code: z.number().int(), signal: z.string().optional() }),
]);
export type TerminalEvent = z.infer<typeof TerminalEvent>;

/** at most this many characters per write (a paste is split by the client) */
export const MAX_WRITE = 64 * 1024;

const Ok = z.object({ ok: z.literal(true) });

export const terminalsContract = {
  'terminals.open': stream(
    'open an interactive shell (SSH on a machine or engine host, exec in a task or container): opened, data..., exit; dispose to close',
    z
      .object({
        target: TerminalTarget,
        cols: Cols.default(80),
        rows: Rows.default(24),
        /** the command to run instead of the default shell (exec: argv[0] of a shell in the container; ssh: a command line) */
        shell: z.string().min(1).max(200).optional(),
      })
      .strict(),
    TerminalEvent,
  ),
  'terminals.write': request(
    'send keystrokes or pasted text to a terminal session',
    z.object({ id: SessionId, data: z.string().max(MAX_WRITE), binary: z.boolean().optional() }).strict(),
    Ok,
  ),
  'terminals.resize': request('tell a terminal session its new size (the PTY and the program in it follow)', z.object({ id: SessionId, cols: Cols, rows: Rows }).strict(), Ok),
};
