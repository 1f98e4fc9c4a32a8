// The wire protocol shared by the WebSocket transport and the Electron IPC transport.
// Client -> host messages and host -> client messages, each validated on arrival.
import { z } from 'zod';
import { WireError } from './errors';

const Id = z.number().int().nonnegative();
const Name = z.string().min(1).max(100);

export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('invoke'), id: Id, method: Name, params: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: Id }),
  z.object({ t: z.literal('subscribe'), id: Id, method: Name, params: z.unknown() }),
  z.object({ t: z.literal('dispose'), id: Id }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const HostMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: Id, result: z.unknown() }),
  z.object({ t: z.literal('error'), id: Id, error: WireError }),
  z.object({ t: z.literal('event'), id: Id, event: z.unknown() }),
  z.object({ t: z.literal('end'), id: Id }),
  z.object({ t: z.literal('broadcast'), name: Name, payload: z.unknown() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;
