// What the store keeps per machine (config.json, versioned) and what the commands report.
import type { DriverData, HostEndpoint, MachineState } from './drivers/types';

export const CONFIG_VERSION = 1;

export interface EngineOptions {
  labels: string[];
  registryMirrors: string[];
  insecureRegistries: string[];
  /** extra SANs for the server certificate */
  tlsSans: string[];
}

export interface MachineConfig {
  configVersion: number;
  name: string;
  driver: string;
  createdAt: string;
  /** the last state the store knows for sure; `error` keeps `lastError` */
  state: 'creating' | 'provisioning' | 'ready' | 'error';
  lastError?: string;
  spec: { cpus: number; memoryMb: number; diskGb: number; options: Record<string, string | number | boolean> };
  engine: EngineOptions;
  endpoint?: HostEndpoint;
  driverData: DriverData;
  /** what the provisioner found */
  os?: { id: string; name: string; version: string };
  dockerVersion?: string;
  /** for machines imported from docker-machine: where their files stay (read-only) */
  imported?: { storePath: string; machineDir: string; driverName: string };
  /** docker context made for this machine (removed with it) */
  context?: string;
  /** file name of the SSH private key inside the machine folder */
  sshKey: string;
}

/** One progress event of create / provision / swarm create. */
export interface MachineEvent {
  machine: string;
  step?: string;
  detail?: string;
  log?: string;
}

export interface MachineSummary {
  name: string;
  driver: string;
  state: MachineState | 'timeout';
  url: string;
  active: boolean;
  swarm: string;
  docker: string;
  error: string;
}

export type { MachineState };
