// What the store keeps per machine (config.json, versioned). What the commands report (summaries, progress events)
// and the shapes the store shares with them are the contract's (api/domains/machines), derived here, not redeclared.
import type { z } from 'zod';
import type { MachineInspect } from '../../api/domains/machines';
import type { DriverData, HostEndpoint } from './drivers/types';

export const CONFIG_VERSION = 1;

type Inspect = z.infer<typeof MachineInspect>;

/** engine labels, registry mirrors, insecure registries and extra SANs (tlsSans) for the server certificate */
export type EngineOptions = Inspect['engine'];

export interface MachineConfig {
  configVersion: number;
  name: string;
  driver: string;
  createdAt: string;
  /** the last state the store knows for sure; `error` keeps `lastError` */
  state: Inspect['storeState'];
  lastError?: string;
  spec: Inspect['spec'];
  engine: EngineOptions;
  endpoint?: HostEndpoint;
  driverData: DriverData;
  /** what the provisioner found */
  os?: Inspect['os'];
  dockerVersion?: string;
  /** for machines imported from docker-machine: where their files stay (read-only) */
  imported?: Inspect['imported'];
  /** docker context made for this machine (removed with it) */
  context?: string;
  /** file name of the SSH private key inside the machine folder */
  sshKey: string;
}

/** a progress event of create / provision / swarm create, and a machine as `ls` lists it: the contract's */
export type { MachineEvent, MachineSummary } from '../../api/domains/machines';
