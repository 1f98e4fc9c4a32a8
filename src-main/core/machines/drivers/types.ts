// One interface for every way Flotilla makes a host: container, generic, virtualbox, hyperv, qemu.
// A driver makes and controls the host; the store, certificates and provisioner are shared by all.
import type { z } from 'zod';
import type { MachineState as ReportedState } from '../../../api/domains/machines';

/** what a driver reports: the contract's states but `timeout`, which only a listing that gave up on a driver reports */
export type MachineState = Exclude<z.infer<typeof ReportedState>, 'timeout'>;

export interface DriverOption {
  /** CLI flag without dashes, e.g. "virtualbox-memory" */
  flag: string;
  description: string;
  type: 'string' | 'number' | 'boolean';
  default?: string | number | boolean;
}

export interface PrerequisiteCheck {
  /** e.g. "VBoxManage installed", "virtualization enabled", "administrator rights" */
  name: string;
  ok: boolean;
  /** what was found, e.g. "VBoxManage 7.0.20 at /usr/bin/VBoxManage" */
  detail: string;
  /** what to do when not ok */
  remedy?: string;
}

/** What the user asked for; drivers read their own options from `options` (flag -> value). */
export interface MachineSpec {
  name: string;
  cpus: number;
  memoryMb: number;
  diskGb: number;
  options: Record<string, string | number | boolean>;
  /** engine labels, registry mirrors, insecure registries: applied by the provisioner, not the driver */
}

/** Where the host's sshd and engine are, as the driver made them. */
export interface HostEndpoint {
  /** the address other swarm nodes use to reach this host */
  ip: string;
  ssh: { host: string; port: number; user: string };
  /** where the TLS engine port is reachable from this computer (forwarded ports for NAT drivers) */
  docker: { host: string; port: number };
}

export interface DriverContext {
  /** the machine's name: drivers derive the names of what they make (VM, disks, container) from it, so `rm` finds them without driver data */
  machineName: string;
  /** the machine's folder in the store (keys, certs, disks, logs live here) */
  machineDir: string;
  /** the machine's SSH public key (OpenSSH format) to install for `user` */
  sshPublicKey: string;
  /** path of the matching private key */
  sshPrivateKeyPath: string;
  /** Flotilla's known_hosts, where a first connection made by the driver itself pins the host key */
  knownHostsFile: string;
  /** raw log line for the machine's log */
  log(line: string): void;
  /** a named step of progress, shown to the user */
  step(name: string, detail?: string): void;
  signal: AbortSignal;
}

/** Opaque per-driver state kept in the machine's config.json (e.g. container id, VM name, ports). */
export type DriverData = Record<string, unknown>;

export interface CreatedHost {
  endpoint: HostEndpoint;
  data: DriverData;
  /**
   * The host's SSH public keys (OpenSSH lines), when the driver knows them without asking the host over the network
   * (read through the local engine, or made by Flotilla and given to the host): they are recorded for the SSH
   * address before the first connection. Left out, the first connection pins the key it is shown (trust on first use).
   */
  hostKeys?: string[];
}

/** What `machine set` changes: only the sizes that differ from the machine's `current` ones are given. */
export interface ResizeChange {
  cpus?: number;
  memoryMb?: number;
  diskGb?: number;
  current: { cpus: number; memoryMb: number; diskGb: number };
}

export interface ResizeOutcome {
  /** the driver data to keep from now on (a VM's CPU and memory live in it), when it changed */
  data?: DriverData;
  /** what the user should know, e.g. when the guest's file system grows */
  notes: string[];
}

export interface MachineDriver {
  readonly name: string;
  readonly description: string;
  options(): DriverOption[];
  prerequisites(signal?: AbortSignal): Promise<PrerequisiteCheck[]>;
  /** makes the host and returns its endpoint plus driver data; must leave nothing behind when it throws */
  create(spec: MachineSpec, ctx: DriverContext): Promise<CreatedHost>;
  start(data: DriverData, ctx: DriverContext): Promise<HostEndpoint>;
  stop(data: DriverData, ctx: DriverContext): Promise<void>;
  restart(data: DriverData, ctx: DriverContext): Promise<HostEndpoint>;
  kill(data: DriverData, ctx: DriverContext): Promise<void>;
  /** removes the host and everything the driver made for it (container, VM, disks, networks it owns) */
  remove(data: DriverData, ctx: DriverContext): Promise<void>;
  state(data: DriverData, signal?: AbortSignal): Promise<MachineState>;
  /**
   * How many times longer than on a normal host the provisioner waits for this host (SSH, each command,
   * the Docker restart, the first TLS answer). Leave it out (or return 1) for the provisioner's defaults;
   * qemu returns more than 1 for a VM under tcg software emulation.
   */
  slowFactor?(data: DriverData): number;
  /**
   * `machine set`: new CPUs, memory or disk (grow only; the core refuses a smaller disk). `live` drivers apply it to
   * a running host (container machines: the engine's update); the others (VMs) are called only while stopped.
   * Drivers without it cannot resize (generic: a host Flotilla did not make).
   */
  resize?(data: DriverData, change: ResizeChange, ctx: DriverContext): Promise<ResizeOutcome>;
  readonly resizeLive?: boolean;
  /**
   * Where a running host is now, asked without starting or changing it; undefined when it does not run or reports no
   * address yet (a VM whose guest has no DHCP lease yet). The core compares `docker.host` with the recorded one at its
   * next contact and follows a move (new server certificate, docker context). It may update `data` (a VM's recorded
   * IP): the core keeps that copy when it follows a move. Left out where the engine's address cannot move (QEMU: the
   * engine is at 127.0.0.1 forwarded ports chosen at create, the swarm address fixed by the seed) or is the user's
   * (generic).
   */
  address?(data: DriverData, ctx: DriverContext): Promise<HostEndpoint | undefined>;
}
