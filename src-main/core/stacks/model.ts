// The loaded compose model: what docker/cli's loader produces from a validated dict. normalize.ts makes it
// from the raw dict.
import type { Json } from './types';

export interface PortConfig {
  mode?: string;
  target: number;
  published?: number;
  protocol?: string;
}

export interface MountConfig {
  type: string;
  source?: string;
  target?: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string };
  volume?: { nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number };
}

export interface FileRef {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceNetwork {
  aliases?: string[];
  driver_opts?: Record<string, string>;
  ipv4_address?: string;
  ipv6_address?: string;
}

export interface UpdateConfig {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: string;
}

export interface DeployConfig {
  mode?: string;
  endpoint_mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: {
    limits?: { cpus?: string; memory?: string; pids?: number };
    reservations?: { cpus?: string; memory?: string; generic_resources?: Array<{ discrete_resource_spec?: { kind?: string; value?: number } }> };
  };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  placement?: { constraints?: string[]; preferences?: Array<{ spread?: string }>; max_replicas_per_node?: number };
}

export interface ServiceConfig {
  name: string;
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment: Record<string, string | null>;
  ports: PortConfig[];
  volumes: MountConfig[];
  secrets: FileRef[];
  configs: FileRef[];
  networks?: Record<string, ServiceNetwork | null>;
  deploy: DeployConfig;
  healthcheck?: { disable?: boolean; interval?: string; retries?: number; test?: string[]; timeout?: string; start_period?: string; start_interval?: string };
  labels: Record<string, string>;
  extra_hosts: string[];
  ulimits: Record<string, { single?: number; soft?: number; hard?: number }>;
  sysctls: Record<string, string>;
  cap_add: string[];
  cap_drop: string[];
  dns: string[];
  dns_search: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  user?: string;
  working_dir?: string;
  hostname?: string;
  init?: boolean;
  read_only?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  stop_signal?: string;
  stop_grace_period?: string;
  isolation?: string;
  oom_score_adj?: number;
  restart?: string;
  credential_spec?: { config?: string; file?: string; registry?: string };
  privileged?: boolean;
  /** raw keys present (for the merge's "zero value never overrides" rule) */
  extras: Record<string, Json>;
  /** keys docker keeps in the loaded config (`docker stack config` prints them) that stack deploy does not use:
   * build, tmpfs, container_name, ... normalised as docker's types hold them (a string list where docker has one) */
  kept?: Record<string, Json>;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<{ subnet?: string }> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

export interface FileObjectConfig {
  name?: string;
  file?: string;
  external?: boolean;
  labels?: Record<string, string>;
  driver?: string;
  driver_opts?: Record<string, string>;
  template_driver?: string;
}

export interface ComposeConfig {
  version: string;
  services: ServiceConfig[];
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** top-level extension keys (x-...), which docker prints after the sections */
  extras?: Record<string, Json>;
}
