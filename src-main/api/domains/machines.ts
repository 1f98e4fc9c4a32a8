// The machines domain: docker-machine-style hosts (create, provision, lifecycle, TLS, env).
// Private keys never cross the contract: only paths and certificate facts do.
import { z } from 'zod';
import { request, stream } from '../kit';

const Name = z.string().min(1).max(63);
const MachineRef = z.object({ name: Name }).strict();

export const MachineState = z.enum(['creating', 'running', 'stopped', 'paused', 'saved', 'starting', 'stopping', 'error', 'not-found', 'unknown', 'timeout']);

export const MachineSummary = z.object({
  name: z.string(),
  driver: z.string(),
  state: MachineState,
  url: z.string(),
  active: z.boolean(),
  swarm: z.string(),
  docker: z.string(),
  error: z.string(),
});
export type MachineSummary = z.infer<typeof MachineSummary>;

export const MachineEvent = z.object({
  machine: z.string(),
  /** a named step (shown to the user) */
  step: z.string().optional(),
  detail: z.string().optional(),
  /** a raw log line (also kept in the machine's log) */
  log: z.string().optional(),
  /** last event of a successful operation */
  done: z.boolean().optional(),
});
export type MachineEvent = z.infer<typeof MachineEvent>;

const CertInfo = z.object({ subject: z.string(), notBefore: z.string(), notAfter: z.string(), sans: z.array(z.string()) });
const OptionValue = z.union([z.string(), z.number(), z.boolean()]);

export const MachineInspect = z.object({
  name: z.string(),
  driver: z.string(),
  state: MachineState,
  storeState: z.enum(['creating', 'provisioning', 'ready', 'error']),
  lastError: z.string().optional(),
  createdAt: z.string(),
  url: z.string(),
  ip: z.string().optional(),
  ssh: z.object({ host: z.string(), port: z.number(), user: z.string(), keyPath: z.string() }).optional(),
  spec: z.object({ cpus: z.number(), memoryMb: z.number(), diskGb: z.number(), options: z.record(z.string(), OptionValue) }),
  engine: z.object({ labels: z.array(z.string()), registryMirrors: z.array(z.string()), insecureRegistries: z.array(z.string()), tlsSans: z.array(z.string()) }),
  os: z.object({ id: z.string(), name: z.string(), version: z.string() }).optional(),
  dockerVersion: z.string().optional(),
  driverData: z.record(z.string(), z.unknown()),
  tls: z.object({ certPath: z.string(), ca: z.string(), cert: z.string(), key: z.string(), serverCert: CertInfo.optional(), clientCert: CertInfo.optional(), caCert: CertInfo.optional() }),
  context: z.string().optional(),
  imported: z.object({ storePath: z.string(), machineDir: z.string(), driverName: z.string() }).optional(),
  machineDir: z.string(),
  logPath: z.string(),
});

export const CreateMachineInput = z
  .object({
    name: Name,
    /** default: a hypervisor driver when one is usable, else `container` */
    driver: z.string().optional(),
    cpus: z.number().int().min(0).optional(),
    memoryMb: z.number().int().min(0).optional(),
    diskGb: z.number().int().min(0).optional(),
    options: z.record(z.string(), OptionValue).default({}),
    engineLabels: z.array(z.string()).default([]),
    registryMirrors: z.array(z.string()).default([]),
    insecureRegistries: z.array(z.string()).default([]),
    tlsSans: z.array(z.string()).default([]),
  })
  .strict();

const DriverInfo = z.object({
  name: z.string(),
  description: z.string(),
  default: z.boolean(),
  options: z.array(z.object({ flag: z.string(), description: z.string(), type: z.enum(['string', 'number', 'boolean']), default: OptionValue.optional() })),
  prerequisites: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string(), remedy: z.string().optional() })),
});

/** One-click swarm progress: per machine (`machine` is NAME-m1, NAME-w2...) or for the whole swarm
 * (`machine` is the swarm NAME, e.g. the 'forming the swarm' step); the last event has done=true and the result. */
export const SwarmCreateEvent = MachineEvent.extend({
  result: z.object({ managers: z.array(z.string()), workers: z.array(z.string()), clusterId: z.string() }).optional(),
});
export type SwarmCreateEvent = z.infer<typeof SwarmCreateEvent>;

export const SwarmCreateInput = z
  .object({
    /** machines are named NAME-m1..NAME-mM and NAME-w1..NAME-wW */
    name: Name,
    /** default: a hypervisor driver when one is usable, else `container` */
    driver: z.string().optional(),
    managers: z.number().int().min(1).max(9).default(1),
    workers: z.number().int().min(0).max(19).default(2),
    options: z.record(z.string(), OptionValue).default({}),
  })
  .strict();

export const Shell = z.enum(['bash', 'fish', 'powershell', 'cmd']);
export type Shell = z.infer<typeof Shell>;
const Ok = z.object({ name: z.string(), state: MachineState });

/** what `--machine NAME` reaches: the machine's TLS engine with the store's client certificate (paths only) */
const EngineTarget = z.object({ name: z.string(), host: z.string(), port: z.number().int(), tls: z.object({ ca: z.string(), cert: z.string(), key: z.string() }) });

/** `machine ssh NAME CMD`: output chunks as they come, then the command's exit code */
export const SshEvent = z.object({ stdout: z.string().optional(), exitCode: z.number().int().optional() });

/** sizes as `machine set` takes them: a whole number of MB (memory) or GB (disk) */
export const MachineResize = z
  .object({
    name: Name,
    cpus: z.number().int().min(1).max(256).optional(),
    memoryMb: z.number().int().min(64).max(1 << 22).optional(),
    diskGb: z.number().int().min(1).max(1 << 16).optional(),
  })
  .strict();
export const MachineResizeResult = z.object({
  name: z.string(),
  /** the size the machine has now */
  spec: z.object({ cpus: z.number(), memoryMb: z.number(), diskGb: z.number() }),
  /** what was changed, one line each (e.g. "memory 1024 MB -> 2048 MB (applied live)") */
  changes: z.array(z.string()),
  /** what the user should know: e.g. the guest grows its file system at the next boot */
  notes: z.array(z.string()),
});

export const machinesContract = {
  'machines.ls': request('every machine with its state, URL, swarm role and Docker version (queried in parallel)', z.object({ timeoutMs: z.number().int().min(100).max(120_000).default(10_000) }).strict(), z.array(MachineSummary)),
  'machines.create': stream('create and provision a machine: progress events {step, detail, log}, the last one has done=true', CreateMachineInput, MachineEvent),
  'machines.swarmCreate': stream('one-click swarm: machines NAME-m1.. and NAME-w1.. created in parallel, then one swarm (init on m1, join the rest); per-machine, per-step progress, the last event has done=true and the result', SwarmCreateInput, SwarmCreateEvent),
  'machines.provision': stream('re-provision a machine (retries an interrupted create)', MachineRef, MachineEvent),
  'machines.regenerateCerts': stream('new server certificate (and with clientCerts a new CA and client cert), then re-provision', MachineRef.extend({ clientCerts: z.boolean().default(false) }), MachineEvent),
  'machines.start': request('start a machine', MachineRef, Ok),
  'machines.stop': request('stop a machine', MachineRef, Ok),
  'machines.restart': request('restart a machine', MachineRef, Ok),
  'machines.kill': request('power a machine off at once', MachineRef, Ok),
  'machines.rm': request('remove a machine and everything it made (host, volume, context, files); always works', MachineRef, z.object({ removed: z.string(), warnings: z.array(z.string()) })),
  'machines.inspect': request('everything about a machine except secret contents', MachineRef, MachineInspect),
  'machines.env': request('the DOCKER_* variables for a machine, and the shell text for them', MachineRef.extend({ shell: Shell.default('bash'), unset: z.boolean().default(false) }), z.object({ vars: z.record(z.string(), z.string()), text: z.string() })),
  'machines.log': request('the raw provisioning log of a machine', MachineRef, z.object({ log: z.string() })),
  'machines.drivers': request('the drivers: name, options, prerequisites', z.object({}).strict(), z.array(DriverInfo)),
  'machines.status': request('the machine\'s state (its driver asked, the store\'s error on top)', MachineRef, Ok),
  'machines.value': request('one fact of a machine: ip (its address), url (its engine; it must be running), version (its engine\'s Docker version)', MachineRef.extend({ what: z.enum(['ip', 'url', 'version']) }), z.object({ value: z.string() })),
  'machines.config': request('the docker CLI flags that reach a machine\'s engine (TLS file paths and -H)', MachineRef, z.object({ flags: z.array(z.string()) })),
  'machines.active': request('the machine this process\'s DOCKER_HOST points at, if any', z.object({}).strict(), z.object({ name: z.string().nullable() })),
  'machines.engineTarget': request(
    'the TLS engine of a machine (address, port, client certificate paths), by name; or by the swarm node it is (its address, else its name as the hostname), null when no machine is that node',
    z.union([MachineRef, z.object({ node: z.object({ addr: z.string(), hostname: z.string() }).strict() }).strict()]),
    EngineTarget.nullable(),
  ),
  'machines.ssh': stream('run one command on a running machine over SSH: stdout as it comes, the last event has the exit code', MachineRef.extend({ command: z.string().min(1) }), SshEvent),
  'machines.sshArgv': request('argv for the system ssh client into a running machine (its key, Flotilla\'s known_hosts, the host key pinned first)', MachineRef, z.object({ argv: z.array(z.string()) })),
  'machines.scp': request('copy files between this computer and a machine (MACHINE:PATH on one side)', z.object({ from: z.string().min(1), to: z.string().min(1), recursive: z.boolean().default(false) }).strict(), z.object({ machine: z.string() })),
  'machines.upgrade': stream('upgrade Docker on a machine to the newest package of its OS', MachineRef, MachineEvent),
  'machines.set': request('resize a machine: CPUs, memory (MB), disk (GB; grow only). VMs only while stopped; container machines live', MachineResize, MachineResizeResult),
  'machines.swarmMembers': request('the machines of a one-click swarm NAME (NAME-mN, NAME-wN)', MachineRef, z.object({ members: z.array(z.string()) })),
  'machines.swarmRm': request('remove a one-click swarm: every machine NAME-mN / NAME-wN and all they made', MachineRef, z.object({ removed: z.array(z.string()), warnings: z.array(z.string()) })),
  'machines.import': request('import docker-machine machines (read-only) from ~/.docker/machine or a given store', z.object({ from: z.string().optional(), names: z.array(Name).default([]) }).strict(), z.array(z.object({ name: z.string(), imported: z.boolean(), reason: z.string().optional(), url: z.string().optional(), reachable: z.boolean().optional(), dockerVersion: z.string().optional(), context: z.string().optional() }))),
};
