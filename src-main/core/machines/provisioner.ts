// The provisioner: over SSH, detect the OS, install Docker when absent, install the server
// certificate, configure dockerd for TLS on 2376 with a systemd drop-in (never `hosts` in
// daemon.json), apply labels / mirrors / insecure registries, restart, and prove TLS from here.
import { FlotillaError } from '../../api/errors';
import { detectOs, parseOsRelease, type DetectedOs } from './os-release';
import { waitForSsh, withSsh, type SshSession, type SshTarget } from './ssh';
import { waitForTls } from './tls-engine';
import type { EngineOptions } from './types';

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
  /** seconds to wait for ssh / docker (default 120 / 90) */
  sshTimeoutMs?: number;
  dockerTimeoutMs?: number;
}

export interface ProvisionResult {
  os: DetectedOs;
  dockerVersion: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** the daemon.json Flotilla writes: existing keys kept, `hosts` removed (it conflicts with -H flags) */
export function mergeDaemonJson(existing: string, engine: EngineOptions, driverName: string): Record<string, unknown> {
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

export function boot2dockerProfile(engine: EngineOptions, driverName: string): string {
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

async function sudo(s: SshSession, user: string): Promise<string> {
  if (user === 'root') return '';
  const r = await s.exec('sudo -n true', { timeoutMs: 15_000 });
  if (r.code !== 0) throw new FlotillaError('AUTH', `user ${user} on ${s.target.host} cannot run sudo without a password: use root or allow passwordless sudo`);
  return 'sudo ';
}

export async function provision(p: ProvisionInput): Promise<ProvisionResult> {
  const { log, step } = p;
  step('waiting for SSH', `${p.ssh.user}@${p.ssh.host}:${p.ssh.port}`);
  await waitForSsh(p.ssh, p.sshTimeoutMs ?? 120_000, p.signal);
  return withSsh(
    p.ssh,
    async (s) => {
      const S = await sudo(s, p.ssh.user);
      const run = async (cmd: string, opts: { stdin?: string; timeoutMs?: number; quiet?: boolean } = {}) => {
        if (!opts.quiet) log(`$ ${cmd}`);
        const out = await s.run(cmd, { stdin: opts.stdin, timeoutMs: opts.timeoutMs ?? 120_000, signal: p.signal, onData: (c) => log(c.trimEnd()) });
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
        await run(`${S}hostname ${q(p.machineName)} 2>/dev/null || true; echo ${q(p.machineName)} | ${S}tee /etc/hostname >/dev/null; grep -q ' ${p.machineName}$' /etc/hosts || echo '127.0.1.1 ${p.machineName}' | ${S}tee -a /etc/hosts >/dev/null`);
      }

      const has = await s.exec('command -v dockerd || test -x /usr/bin/dockerd || test -x /usr/sbin/dockerd', { timeoutMs: 15_000 });
      if (has.code !== 0) {
        step('installing Docker', os.family === 'debian' ? 'apt-get install docker.io' : 'from Docker\'s repository');
        const cmds = installCommands(os);
        if (!cmds.length) throw new FlotillaError('UNSUPPORTED', `${os.name} has no Docker and Flotilla cannot install it there`);
        for (const c of cmds) await run(`${S}sh -c ${q(c)}`, { timeoutMs: 900_000 });
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
        await run(`${S}/etc/init.d/docker restart`);
      } else {
        const dir = '/etc/docker/flotilla';
        await run(`${S}mkdir -p ${dir} && ${S}chmod 700 ${dir}`);
        await run(`${S}tee ${dir}/ca.pem >/dev/null`, { stdin: p.serverPem.ca });
        await run(`${S}tee ${dir}/server.pem >/dev/null`, { stdin: p.serverPem.cert });
        await s.run(`umask 077; ${S}tee ${dir}/server-key.pem >/dev/null && ${S}chmod 600 ${dir}/server-key.pem`, { stdin: p.serverPem.key, timeoutMs: 30_000 });
        log(`wrote ${dir}/{ca,server,server-key}.pem`);

        step('configuring the engine', 'TLS on 2376, labels, registry mirrors, insecure registries');
        const existing = (await s.exec(`${S}cat /etc/docker/daemon.json 2>/dev/null`, { timeoutMs: 15_000 })).stdout;
        const daemon = mergeDaemonJson(existing, p.engine, p.driverName);
        await run(`${S}tee /etc/docker/daemon.json >/dev/null`, { stdin: JSON.stringify(daemon, null, 2) + '\n' });
        const dockerd = (await run('command -v dockerd || ls /usr/bin/dockerd /usr/sbin/dockerd 2>/dev/null | head -1', { quiet: true })).trim().split('\n')[0] || '/usr/bin/dockerd';
        const containerd = (await s.exec('systemctl is-enabled containerd 2>/dev/null && test -e /lib/systemd/system/containerd.service -o -e /usr/lib/systemd/system/containerd.service', { timeoutMs: 15_000 })).code === 0;
        await run(`${S}mkdir -p /etc/systemd/system/docker.service.d && ${S}tee /etc/systemd/system/docker.service.d/10-flotilla.conf >/dev/null`, { stdin: systemdDropIn(dockerd, containerd) });
        step('restarting Docker');
        await run(`${S}systemctl daemon-reload && ${S}systemctl enable docker.socket docker >/dev/null 2>&1; ${S}systemctl restart docker`, { timeoutMs: 120_000 }).catch(async (e: unknown) => {
          const st = await s.exec(`${S}systemctl status docker --no-pager -l | tail -20; ${S}journalctl -u docker --no-pager -n 20`, { timeoutMs: 15_000 });
          log(st.stdout);
          throw e;
        });
      }
      step('checking TLS', `tcp://${p.docker.host}:${p.docker.port}`);
      const dockerVersion = await waitForTls({ ...p.docker, ...p.tls }, p.dockerTimeoutMs ?? 90_000, p.signal);
      log(`engine ${dockerVersion} answers over TLS at tcp://${p.docker.host}:${p.docker.port}`);
      return { os, dockerVersion };
    },
    { timeoutMs: 15_000, signal: p.signal },
  );
}
