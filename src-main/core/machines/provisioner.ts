// The provisioner: over SSH, detect the OS, install Docker when absent, install the server
// certificate, configure dockerd for TLS on 2376 with a systemd drop-in (never `hosts` in
// daemon.json), apply labels / mirrors / insecure registries, restart, and prove TLS from here.
import { FlotillaError } from '../../api/errors';
import { detectOs, parseOsRelease, type DetectedOs } from './os-release';
import { waitForSsh, withSsh, type SshSession, type SshTarget } from './ssh';
import { waitForTls } from './tls-engine';
import type { EngineOptions } from './types';
import { validateEngineOptions } from './engine-options';

export interface ProvisionInput {
  machineName: string;
  ssh: SshTarget;
  /** engine address as reached from this computer */
  docker: { host: string; port: number };
  tls: { ca: string; cert: string; key: string };
  serverPem: { ca: string; cert: string; key: string };
  engine: EngineOptions;
  driverName: string;
  log(line: string): void;
  step(name: string, detail?: string): void;
  signal?: AbortSignal;
  /**
   * how many times longer than the defaults to wait, for slow hosts (the driver's `slowFactor`: a qemu VM
   * under tcg software emulation is several times slower); every timeout below is multiplied by it
   */
  slow?: number;
  /** milliseconds to wait for ssh / docker (default 120 s / 90 s, times `slow`) */
  sshTimeoutMs?: number;
  dockerTimeoutMs?: number;
}

/** The provisioner's waits on a normal host, in milliseconds. */
export const PROVISION_TIMEOUTS = {
  /** until SSH answers */
  ssh: 120_000,
  /** the SSH connection itself (handshake and authentication) */
  connect: 15_000,
  /** a quick query (sudo check, `command -v dockerd`, reading daemon.json) */
  query: 15_000,
  /** each configuration command */
  command: 120_000,
  /** installing Docker from packages */
  install: 900_000,
  /** `systemctl restart docker` (or the boot2docker init script) */
  restart: 120_000,
  /** until the engine answers over TLS after the restart */
  tls: 90_000,
} as const;

export type ProvisionTimeouts = { -readonly [K in keyof typeof PROVISION_TIMEOUTS]: number };

/** The defaults scaled for a host `slow` times slower than normal (1 or less, or not a number: the defaults). */
export function provisionTimeouts(slow = 1, overrides: { sshTimeoutMs?: number; dockerTimeoutMs?: number } = {}): ProvisionTimeouts {
  const f = Number.isFinite(slow) && slow > 1 ? slow : 1;
  const t = Object.fromEntries(Object.entries(PROVISION_TIMEOUTS).map(([k, v]) => [k, Math.round(v * f)])) as ProvisionTimeouts;
  if (overrides.sshTimeoutMs !== undefined) t.ssh = overrides.sshTimeoutMs;
  if (overrides.dockerTimeoutMs !== undefined) t.tls = overrides.dockerTimeoutMs;
  return t;
}

export interface ProvisionResult {
  os: DetectedOs;
  dockerVersion: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** the daemon.json Flotilla writes: existing keys kept, `hosts` removed (it conflicts with -H flags) */
export function mergeDaemonJson(existing: string, engine: EngineOptions, driverName: string): Record<string, unknown> {
  validateEngineOptions(engine);
  let cur: Record<string, unknown> = {};
  try {
    const parsed: unknown = existing.trim() ? JSON.parse(existing) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) cur = parsed as Record<string, unknown>;
  } catch {
    cur = {};
  }
  delete cur.hosts;
  const labels = [...new Set([`provider=${driverName}`, ...engine.labels])];
  cur.labels = labels;
  if (engine.registryMirrors.length) cur['registry-mirrors'] = engine.registryMirrors;
  else delete cur['registry-mirrors'];
  if (engine.insecureRegistries.length) cur['insecure-registries'] = engine.insecureRegistries;
  else delete cur['insecure-registries'];
  return cur;
}

export function systemdDropIn(dockerd: string, useContainerd: boolean): string {
  const flags = [
    '-H fd://',
    '-H unix:///var/run/docker.sock',
    '-H tcp://0.0.0.0:2376',
    '--tlsverify',
    '--tlscacert /etc/docker/flotilla/ca.pem',
    '--tlscert /etc/docker/flotilla/server.pem',
    '--tlskey /etc/docker/flotilla/server-key.pem',
  ];
  if (useContainerd) flags.push('--containerd=/run/containerd/containerd.sock');
  return `# written by Flotilla: TLS on 2376 (daemon.json must not set "hosts")\n[Service]\nExecStart=\nExecStart=${dockerd} ${flags.join(' ')}\n`;
}

/** boot2docker's init script sources this and passes $EXTRA_ARGS to dockerd unquoted: values are validated, never quoted */
export function boot2dockerProfile(engine: EngineOptions, driverName: string): string {
  validateEngineOptions(engine);
  if (!/^[a-z0-9-]+$/.test(driverName)) throw new FlotillaError('INTERNAL', `driver name ${JSON.stringify(driverName)} cannot go into the boot2docker profile`);
  const labels = [`provider=${driverName}`, ...engine.labels].map((l) => `--label ${l}`);
  const extra = [...labels, ...engine.registryMirrors.map((m) => `--registry-mirror ${m}`), ...engine.insecureRegistries.map((r) => `--insecure-registry ${r}`)];
  return `EXTRA_ARGS='\n${extra.join('\n')}\n'\nCACERT=/var/lib/boot2docker/ca.pem\nDOCKER_HOST='-H tcp://0.0.0.0:2376'\nDOCKER_STORAGE=overlay2\nDOCKER_TLS=auto\nSERVERKEY=/var/lib/boot2docker/server-key.pem\nSERVERCERT=/var/lib/boot2docker/server.pem\n`;
}

function installCommands(os: DetectedOs): string[] {
  switch (os.family) {
    case 'debian':
      return [
        'for i in 1 2 3 4 5; do apt-get update -q && break; sleep 3; done',
        'DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io || (DEBIAN_FRONTEND=noninteractive apt-get install -y -q ca-certificates curl && curl -fsSL https://get.docker.com | sh)',
      ];
    case 'fedora':
      return ['dnf install -y moby-engine || (dnf install -y dnf-plugins-core && dnf config-manager --add-repo https://download.docker.com/linux/fedora/docker-ce.repo && dnf install -y docker-ce docker-ce-cli containerd.io)'];
    case 'redhat':
      return ['(command -v dnf >/dev/null && PM=dnf || PM=yum; $PM install -y dnf-plugins-core yum-utils || true; $PM config-manager --add-repo https://download.docker.com/linux/centos/docker-ce.repo && $PM install -y docker-ce docker-ce-cli containerd.io)'];
    case 'boot2docker':
      return [];
  }
}

async function sudo(s: SshSession, user: string, timeoutMs: number): Promise<string> {
  if (user === 'root') return '';
  const r = await s.exec('sudo -n true', { timeoutMs });
  if (r.code !== 0) throw new FlotillaError('AUTH', `user ${user} on ${s.target.host} cannot run sudo without a password: use root or allow passwordless sudo`);
  return 'sudo ';
}

export async function provision(p: ProvisionInput): Promise<ProvisionResult> {
  const { log } = p;
  // each step's start is a safe point: a Ctrl+C that came while the last step ran (one that finished anyway, as a
  // wait for SSH that was already up) stops here, with the lease still naming the step it came in
  const step = (name: string, detail?: string): void => {
    if (p.signal?.aborted) throw new FlotillaError('CANCELLED', 'cancelled');
    p.step(name, detail);
  };
  // before anything runs on the host: these values reach a root shell, the profile or daemon.json
  validateEngineOptions(p.engine);
  const T = provisionTimeouts(p.slow, { sshTimeoutMs: p.sshTimeoutMs, dockerTimeoutMs: p.dockerTimeoutMs });
  if (T.command > PROVISION_TIMEOUTS.command) log(`slow host: waiting up to ${Math.round(T.ssh / 1000)} s for SSH, ${Math.round(T.restart / 1000)} s for the Docker restart, ${Math.round(T.tls / 1000)} s for TLS`);
  step('waiting for SSH', `${p.ssh.user}@${p.ssh.host}:${p.ssh.port}`);
  const pinned = await waitForSsh(p.ssh, T.ssh, p.signal);
  if (pinned) log(pinned);
  return withSsh(
    p.ssh,
    async (s) => {
      const S = await sudo(s, p.ssh.user, T.query);
      const run = async (cmd: string, opts: { stdin?: string; timeoutMs?: number; quiet?: boolean } = {}) => {
        if (!opts.quiet) log(`$ ${cmd}`);
        const out = await s.run(cmd, { stdin: opts.stdin, timeoutMs: opts.timeoutMs ?? T.command, signal: p.signal, onData: (c) => log(c.trimEnd()) });
        return out;
      };
      step('detecting the operating system');
      const osText = await run('cat /etc/os-release');
      let os: DetectedOs;
      try {
        os = detectOs(parseOsRelease(osText));
      } catch (e) {
        throw new FlotillaError('UNSUPPORTED', (e as Error).message);
      }
      log(`detected ${os.name} (${os.family})`);

      step('setting the hostname', p.machineName);
      if (os.family === 'boot2docker') {
        await run(`${S}/usr/bin/sethostname ${q(p.machineName)} && echo ${q(p.machineName)} | ${S}tee /var/lib/boot2docker/etc/hostname`);
      } else {
        await run(`${S}hostname ${q(p.machineName)} 2>/dev/null || true; echo ${q(p.machineName)} | ${S}tee /etc/hostname >/dev/null; grep -q ${q(` ${p.machineName}$`)} /etc/hosts || echo ${q(`127.0.1.1 ${p.machineName}`)} | ${S}tee -a /etc/hosts >/dev/null`);
      }

      const has = await s.exec('command -v dockerd || test -x /usr/bin/dockerd || test -x /usr/sbin/dockerd', { timeoutMs: T.query });
      if (has.code !== 0) {
        step('installing Docker', os.family === 'debian' ? 'apt-get install docker.io' : 'from Docker\'s repository');
        const cmds = installCommands(os);
        if (!cmds.length) throw new FlotillaError('UNSUPPORTED', `${os.name} has no Docker and Flotilla cannot install it there`);
        for (const c of cmds) await run(`${S}sh -c ${q(c)}`, { timeoutMs: T.install });
      } else log('Docker is installed');

      step('installing TLS certificates');
      if (os.family === 'boot2docker') {
        const dir = '/var/lib/boot2docker';
        await run(`${S}tee ${dir}/ca.pem >/dev/null`, { stdin: p.serverPem.ca });
        await run(`${S}tee ${dir}/server.pem >/dev/null`, { stdin: p.serverPem.cert });
        await run(`umask 077; ${S}tee ${dir}/server-key.pem >/dev/null`, { stdin: p.serverPem.key, quiet: true });
        log(`wrote ${dir}/{ca,server,server-key}.pem`);
        step('configuring the engine', 'boot2docker profile');
        await run(`${S}tee ${dir}/profile >/dev/null`, { stdin: boot2dockerProfile(p.engine, p.driverName) });
        step('restarting Docker');
        await run(`${S}/etc/init.d/docker restart`, { timeoutMs: T.restart });
      } else {
        const dir = '/etc/docker/flotilla';
        await run(`${S}mkdir -p ${dir} && ${S}chmod 700 ${dir}`);
        await run(`${S}tee ${dir}/ca.pem >/dev/null`, { stdin: p.serverPem.ca });
        await run(`${S}tee ${dir}/server.pem >/dev/null`, { stdin: p.serverPem.cert });
        await s.run(`umask 077; ${S}tee ${dir}/server-key.pem >/dev/null && ${S}chmod 600 ${dir}/server-key.pem`, { stdin: p.serverPem.key, timeoutMs: 2 * T.query });
        log(`wrote ${dir}/{ca,server,server-key}.pem`);

        step('configuring the engine', 'TLS on 2376, labels, registry mirrors, insecure registries');
        const existing = (await s.exec(`${S}cat /etc/docker/daemon.json 2>/dev/null`, { timeoutMs: T.query })).stdout;
        const daemon = mergeDaemonJson(existing, p.engine, p.driverName);
        await run(`${S}tee /etc/docker/daemon.json >/dev/null`, { stdin: JSON.stringify(daemon, null, 2) + '\n' });
        const dockerd = (await run('command -v dockerd || ls /usr/bin/dockerd /usr/sbin/dockerd 2>/dev/null | head -1', { quiet: true })).trim().split('\n')[0] || '/usr/bin/dockerd';
        const containerd = (await s.exec('systemctl is-enabled containerd 2>/dev/null && test -e /lib/systemd/system/containerd.service -o -e /usr/lib/systemd/system/containerd.service', { timeoutMs: T.query })).code === 0;
        await run(`${S}mkdir -p /etc/systemd/system/docker.service.d && ${S}tee /etc/systemd/system/docker.service.d/10-flotilla.conf >/dev/null`, { stdin: systemdDropIn(dockerd, containerd) });
        step('restarting Docker');
        await run(`${S}systemctl daemon-reload && ${S}systemctl enable docker.socket docker >/dev/null 2>&1; ${S}systemctl restart docker`, { timeoutMs: T.restart }).catch(async (e: unknown) => {
          const st = await s.exec(`${S}systemctl status docker --no-pager -l | tail -20; ${S}journalctl -u docker --no-pager -n 20`, { timeoutMs: T.query });
          log(st.stdout);
          throw e;
        });
      }
      step('checking TLS', `tcp://${p.docker.host}:${p.docker.port}`);
      const dockerVersion = await waitForTls({ ...p.docker, ...p.tls }, T.tls, p.signal);
      log(`engine ${dockerVersion} answers over TLS at tcp://${p.docker.host}:${p.docker.port}`);
      return { os, dockerVersion };
    },
    { timeoutMs: T.connect, signal: p.signal },
  );
}
