import { z } from 'zod';
import { request } from '../kit';

export const LabNode = z.object({ name: z.string(), ip: z.string(), ssh: z.string(), identity: z.string() });
export type LabNode = z.infer<typeof LabNode>;

export const labContract = {
  'lab.status': request('the lab hosts that are running now', z.object({}).strict(), z.array(LabNode)),
};
