// The lab's images, all built locally (no registry is reachable on the build machines):
// - flotilla-lab/debian:bookworm           a system-container host: systemd, sshd, dockerd (debootstrap, minbase)
// - flotilla-lab/debian-nodocker:bookworm  the same without docker.io (for drivers that install Docker themselves)
// - flotilla-lab/busybox:latest            a 2 MB workload image from Debian's busybox-static
// Builds are cached in labCacheDir() and guarded by a file lock, so concurrent `lab up`s build once.
import fs from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { pipe, run, runOk } from './exec';
import { withFileLock } from '../filelock';
import { appRoot } from '../paths';

export type LabImageKind = 'docker' | 'nodocker';

export const NODE_IMAGES: Record<LabImageKind, string> = {
  docker: 'flotilla-lab/debian:bookworm',
  nodocker: 'flotilla-lab/debian-nodocker:bookworm',
};
export const BUSYBOX_IMAGE = 'flotilla-lab/busybox:latest';

const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'ca-certificates', 'iptables', 'procps', 'sudo'];
const MIRROR = process.env.FLOTILLA_LAB_MIRROR ?? 'http://deb.debian.org/debian';

/** Where the lab keeps its build cache and per-lab keys: $FLOTILLA_LAB_DIR, else ~/.cache/flotilla/lab. */
export function labCacheDir(): string {
  return path.resolve(process.env.FLOTILLA_LAB_DIR ?? path.join(os.homedir(), '.cache', 'flotilla', 'lab'));
}

/** one image build at a time across processes (a new name: an older Flotilla's flock file build.lock is not a lock here) */
function buildLock(): string {
  return path.join(labCacheDir(), 'locks', 'image-build.lock');
}

export async function imageExists(ref: string, dockerArgs: string[] = []): Promise<boolean> {
  const r = await run('docker', [...dockerArgs, 'image', 'inspect', '--format', '{{.Id}}', ref]);
  return r.code === 0;
}

/** Builds the node image once (debootstrap + docker import) and reuses it afterwards. */
export async function ensureNodeImage(kind: LabImageKind, progress: (line: string) => void = () => undefined): Promise<string> {
  const ref = NODE_IMAGES[kind];
  if (await imageExists(ref)) return ref;
  const cache = labCacheDir();
  await withFileLock(buildLock(), async () => {
    if (await imageExists(ref)) return; // someone else built it while we waited
    const route = buildRoute();
    if (route === 'dockerfile') return buildWithDockerfile(kind, ref, progress);
    const variant = kind === 'docker' ? 'debian' : 'debian-nodocker';
    const rootfs = path.join(cache, `rootfs-${variant}`);
    const marker = `${rootfs}.complete`;
    if (!existsSync(marker)) {
      if (process.getuid?.() !== 0) throw new FlotillaError('UNSUPPORTED', `building the lab image ${ref} needs root (debootstrap): run this as root once, or import the image by hand`);
      const include = kind === 'docker' ? [...BASE_PACKAGES, 'docker.io'] : BASE_PACKAGES;
      progress(`building ${ref} with debootstrap (about a minute; cached in ${cache})`);
      await fs.rm(rootfs, { recursive: true, force: true });
      await fs.mkdir(path.join(cache, 'debs'), { recursive: true });
      const r = await run('debootstrap', ['--variant=minbase', `--cache-dir=${path.join(cache, 'debs')}`, `--include=${include.join(',')}`, 'bookworm', rootfs, MIRROR], { timeoutMs: 1_200_000 });
      if (r.code !== 0) {
        await fs.writeFile(`${rootfs}.log`, r.stdout + r.stderr);
        throw new FlotillaError('UNREACHABLE', `debootstrap of the lab image failed (exit ${r.code}; log in ${rootfs}.log): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')} — check that ${MIRROR} is reachable`);
      }
      await prepareRootfs(rootfs);
      await fs.writeFile(marker, new Date().toISOString() + '\n');
    } else {
      await prepareRootfs(rootfs);
    }
    progress(`importing ${ref}`);
    // only CMD: engine 20.10 (Debian's docker.io) refuses STOPSIGNAL as an import change; the stop signal
    // systemd wants is given at `docker run` instead (labFlags)
    await pipe(['tar', ['-C', rootfs, '-c', '.']], ['docker', ['import', '-c', 'CMD ["/sbin/init"]', '-', ref]], 1_800_000);
  });
  return ref;
}

/**
 * How the node image is built: FLOTILLA_LAB_BUILD=debootstrap|dockerfile, else debootstrap where it can
 * run (root with debootstrap installed: works with only a Debian mirror, as on the build machines), else
 * the Dockerfile in assets/lab (needs a registry that serves debian:bookworm).
 */
export function buildRoute(env: NodeJS.ProcessEnv = process.env, canDebootstrap = process.getuid?.() === 0 && hasDebootstrap()): 'debootstrap' | 'dockerfile' {
  const asked = env.FLOTILLA_LAB_BUILD;
  if (asked === 'debootstrap' || asked === 'dockerfile') return asked;
  if (asked) throw new FlotillaError('BAD_INPUT', `FLOTILLA_LAB_BUILD=${asked} is not a lab build route: use debootstrap or dockerfile (or unset it)`);
  return canDebootstrap ? 'debootstrap' : 'dockerfile';
}

function hasDebootstrap(): boolean {
  return ['/usr/sbin/debootstrap', '/usr/bin/debootstrap'].some((p) => existsSync(p));
}

export async function buildWithDockerfile(kind: LabImageKind, ref: string, progress: (line: string) => void): Promise<void> {
  const dir = path.join(appRoot(), 'assets', 'lab');
  progress(`building ${ref} from ${path.join(dir, 'Dockerfile')} (needs a registry with debian:bookworm)`);
  const r = await run('docker', ['build', '--build-arg', `DOCKER=${kind === 'docker' ? 1 : 0}`, '-t', ref, dir], { timeoutMs: 1_800_000 });
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new FlotillaError('UNREACHABLE', `building the lab image ${ref} from its Dockerfile failed: ${tail} — where no registry answers, build it with debootstrap instead (as root, apt-get install debootstrap; FLOTILLA_LAB_BUILD=debootstrap)`);
  }
}

/** Makes a debootstrapped tree fit to be many hosts: no machine-id, no shared SSH host keys, root's .ssh ready. */
async function prepareRootfs(rootfs: string): Promise<void> {
  await fs.writeFile(path.join(rootfs, 'etc', 'machine-id'), '');
  await fs.mkdir(path.join(rootfs, 'root', '.ssh'), { recursive: true, mode: 0o700 });
  await fs.chmod(path.join(rootfs, 'root', '.ssh'), 0o700);
  // every node generates its own host keys on first boot (the image is shared by all nodes)
  const sshDir = path.join(rootfs, 'etc', 'ssh');
  for (const f of await fs.readdir(sshDir)) if (f.startsWith('ssh_host_')) await fs.rm(path.join(sshDir, f));
  const dropIn = path.join(rootfs, 'etc', 'systemd', 'system', 'ssh.service.d');
  await fs.mkdir(dropIn, { recursive: true });
  await fs.writeFile(path.join(dropIn, 'flotilla-hostkeys.conf'), '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n');
}

/** The busybox workload image's root filesystem: /bin/busybox and a symlink per applet. */
async function busyboxRootfs(): Promise<string> {
  const dir = path.join(labCacheDir(), 'busybox-rootfs');
  if (existsSync(path.join(dir, '.complete'))) return dir;
  const src = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p));
  if (!src) throw new FlotillaError('UNSUPPORTED', 'busybox is not installed: apt-get install -y busybox-static (the lab workload image is built from it)');
  const info = await runOk(src, ['--list']);
  const tmp = `${dir}.${process.pid}.tmp`;
  await fs.rm(tmp, { recursive: true, force: true });
  for (const d of ['bin', 'etc', 'tmp', 'root', 'var/www', 'proc', 'sys', 'dev']) await fs.mkdir(path.join(tmp, d), { recursive: true });
  await fs.chmod(path.join(tmp, 'tmp'), 0o1777);
  await fs.copyFile(src, path.join(tmp, 'bin', 'busybox'));
  await fs.chmod(path.join(tmp, 'bin', 'busybox'), 0o755);
  for (const applet of info.split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s) && s !== 'busybox')) {
    await fs.symlink('busybox', path.join(tmp, 'bin', applet)).catch(() => undefined);
  }
  await fs.writeFile(path.join(tmp, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await fs.writeFile(path.join(tmp, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
  await fs.writeFile(path.join(tmp, 'var', 'www', 'index.html'), 'flotilla-lab busybox\n');
  // a static busybox is not a glibc program: make sure it really runs without libraries
  const ldd = await run('file', ['-L', src]).catch(() => undefined);
  if (ldd && ldd.code === 0 && !/statically linked|static-pie/.test(ldd.stdout))
    throw new FlotillaError('UNSUPPORTED', `${src} is not statically linked, so it cannot run in an empty image: apt-get install -y busybox-static`);
  await fs.writeFile(path.join(tmp, '.complete'), '');
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rename(tmp, dir);
  return dir;
}

const BUSYBOX_IMPORT = ['import', '-c', 'CMD ["sh"]', '-c', 'ENV PATH=/bin', '-', BUSYBOX_IMAGE];

/** Imports the busybox workload image into the local engine if it is missing. */
export async function ensureHostBusybox(): Promise<void> {
  if (await imageExists(BUSYBOX_IMAGE)) return;
  await withFileLock(buildLock(), async () => {
    if (await imageExists(BUSYBOX_IMAGE)) return;
    const dir = await busyboxRootfs();
    await pipe(['tar', ['-C', dir, '--exclude', './.complete', '-c', '.']], ['docker', BUSYBOX_IMPORT]);
  });
}

/** Imports the busybox workload image into a lab node's own engine if it is missing there. */
export async function ensureNodeBusybox(node: string): Promise<boolean> {
  const has = await run('docker', ['exec', node, 'docker', 'image', 'inspect', '--format', '{{.Id}}', BUSYBOX_IMAGE]);
  if (has.code === 0) return false;
  const dir = await withFileLock(buildLock(), busyboxRootfs);
  await pipe(['tar', ['-C', dir, '--exclude', './.complete', '-c', '.']], ['docker', ['exec', '-i', node, 'docker', ...BUSYBOX_IMPORT]]);
  return true;
}

