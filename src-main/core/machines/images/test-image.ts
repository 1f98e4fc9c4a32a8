// The QEMU test image: a Debian bookworm root filesystem made with debootstrap from Debian packages,
// booted with the host's Debian cloud kernel (-kernel/-initrd), because no cloud image can be
// downloaded on the build machines. Built once and cached under ~/.cache/flotilla/qemu-images/<key>/
// (vmlinuz, initrd.img, rootfs.raw, image.json) behind a file lock so concurrent builds take turns.
// First boot is configured by real cloud-init from the NoCloud seed, as on a cloud image (firstboot.ts).
// Needs root (debootstrap, chroot), debootstrap, e2fsprogs (mkfs.ext4 -d) and a linux-image-cloud-amd64.
import fs from 'node:fs/promises';
import fss from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlotillaError } from '../../../api/errors';
import { execFileRunner, type Runner } from '../boot/runner';
import { withFileLock } from '../../filelock';
import { CLOUD_CFG, WAIT_ONLINE_DROPIN } from './firstboot';

export const TEST_IMAGE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'docker.io', 'iproute2', 'ca-certificates',
  'iptables', 'procps', 'sudo', 'kmod', 'e2fsprogs', 'udev', 'cloud-init',
  // debootstrap does not resolve virtual packages: python3-cryptography (cloud-init -> oauthlib) needs python3-cffi-backend-api-*
  'python3-cffi-backend',
];
/** bump when the recipe changes: a new key means a new build (3: real cloud-init instead of flotilla-seed) */
export const TEST_IMAGE_RECIPE = 3;

/** A kernel + initrd + root disk bundle, what the qemu driver boots with -kernel/-initrd. */
export interface KernelBundle {
  kind: 'kernel-bundle';
  dir: string;
  kernel: string;
  initrd: string;
  disk: string;
  diskFormat: 'raw' | 'qcow2';
  append: string;
  /** the user whose authorized_keys the seed fills */
  sshUser: string;
}

export interface TestImageOptions {
  cacheDir?: string;
  suite?: string;
  mirror?: string;
  /** kernel version (uname -r style) of an installed linux-image-*-cloud-amd64; default: newest in /boot */
  kernelVersion?: string;
  diskSize?: string;
  runner?: Runner;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export function qemuImageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FLOTILLA_QEMU_IMAGES) return path.resolve(env.FLOTILLA_QEMU_IMAGES);
  return path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'flotilla', 'qemu-images');
}

/** The newest installed Debian cloud kernel that has both an initrd and its modules. */
export function findCloudKernel(bootDir = '/boot', modulesDir = '/lib/modules'): string | undefined {
  let names: string[];
  try {
    names = fss.readdirSync(bootDir);
  } catch {
    return undefined;
  }
  const versions = names
    .filter((n) => n.startsWith('vmlinuz-') && n.endsWith('-cloud-amd64'))
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((v) => fss.existsSync(path.join(bootDir, `initrd.img-${v}`)) && fss.existsSync(path.join(modulesDir, v)));
  versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return versions.at(-1);
}

function bundleFor(dir: string): KernelBundle {
  return {
    kind: 'kernel-bundle',
    dir,
    kernel: path.join(dir, 'vmlinuz'),
    initrd: path.join(dir, 'initrd.img'),
    disk: path.join(dir, 'rootfs.raw'),
    diskFormat: 'raw',
    // apparmor=0: the Debian cloud kernel enables AppArmor, but the image has no AppArmor userspace
    // (apparmor_parser), and dockerd then refuses to start any container ("AppArmor enabled on system
    // but the docker-default profile could not be loaded"); real cloud images ship apparmor instead
    append: 'console=ttyS0 root=/dev/vda rw net.ifnames=0 panic=-1 apparmor=0',
    sshUser: 'root',
  };
}

/** The cached test image if it was built completely, else undefined (never builds). */
export async function findTestImage(opts: TestImageOptions = {}): Promise<KernelBundle | undefined> {
  const kver = opts.kernelVersion ?? findCloudKernel();
  if (!kver) return undefined;
  const dir = path.join(opts.cacheDir ?? qemuImageCacheDir(), imageKey(opts.suite ?? 'bookworm', kver));
  try {
    await fs.access(path.join(dir, 'image.json'));
    return bundleFor(dir);
  } catch {
    return undefined;
  }
}

export function imageKey(suite: string, kernelVersion: string): string {
  return `debian-${suite}-test-r${TEST_IMAGE_RECIPE}-${kernelVersion}`;
}

/** Builds the test image unless it is cached; returns the bundle. Takes minutes the first time. */
export async function ensureTestImage(opts: TestImageOptions = {}): Promise<KernelBundle> {
  const cacheDir = opts.cacheDir ?? qemuImageCacheDir();
  const suite = opts.suite ?? 'bookworm';
  const mirror = opts.mirror ?? 'http://deb.debian.org/debian';
  const kver = opts.kernelVersion ?? findCloudKernel();
  const log = opts.log ?? (() => undefined);
  const runner = opts.runner ?? execFileRunner();
  if (!kver) {
    throw new FlotillaError('UNSUPPORTED', 'no Debian cloud kernel in /boot to boot the QEMU test image: apt-get install linux-image-cloud-amd64');
  }
  const key = imageKey(suite, kver);
  const dir = path.join(cacheDir, key);
  const found = await findTestImage({ ...opts, cacheDir, kernelVersion: kver });
  if (found) return found;
  return withFileLock(path.join(cacheDir, `${key}.build.lock`), async () => {
    const again = await findTestImage({ ...opts, cacheDir, kernelVersion: kver });
    if (again) return again;
    if (typeof process.getuid === 'function' && process.getuid() !== 0) {
      throw new FlotillaError('PRECONDITION', 'building the QEMU test image needs root (debootstrap, chroot): run it once as root, or use a cloud image (qemu-image option)');
    }
    const work = `${dir}.build-${process.pid}`;
    const rootfs = path.join(work, 'rootfs');
    await fs.rm(work, { recursive: true, force: true });
    await fs.mkdir(work, { recursive: true });
    const sh = async (cmd: string, args: string[], timeoutMs = 1_200_000): Promise<string> => {
      log(`$ ${cmd} ${args.join(' ')}`);
      const r = await runner.run(cmd, args, { timeoutMs, signal: opts.signal });
      if (r.notFound) throw new FlotillaError('UNSUPPORTED', `${cmd} is not installed: apt-get install ${cmd === 'mkfs.ext4' ? 'e2fsprogs' : cmd}`);
      if (r.code !== 0) throw new FlotillaError('INTERNAL', `building the QEMU test image: ${cmd} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(-2000)}`);
      return r.stdout;
    };
    try {
      // downloaded packages are kept for the next build (a new recipe or kernel)
      const debs = path.join(cacheDir, 'debs');
      await fs.mkdir(debs, { recursive: true });
      await sh('debootstrap', ['--variant=minbase', `--cache-dir=${debs}`, `--include=${TEST_IMAGE_PACKAGES.join(',')}`, suite, rootfs, mirror]).catch(async (e: unknown) => {
        // debootstrap's own output only points at its log: show the log's end instead
        const tail = await fs.readFile(path.join(rootfs, 'debootstrap/debootstrap.log'), 'utf8').then((t) => t.trim().split('\n').slice(-25).join('\n'), () => '');
        throw tail ? new FlotillaError('INTERNAL', `building the QEMU test image: debootstrap failed; its log ends with:\n${tail}`) : e;
      });
      // /lib is a symlink to usr/lib in the rootfs (merged /usr); the modules folder may not exist yet
      await fs.mkdir(path.join(rootfs, 'usr/lib/modules'), { recursive: true });
      await sh('cp', ['-a', path.join('/lib/modules', kver), path.join(rootfs, 'usr/lib/modules', kver)]);
      await sh('depmod', ['-a', '-b', rootfs, kver]);
      await sh('cp', [path.join('/boot', `vmlinuz-${kver}`), path.join(work, 'vmlinuz')]);
      await sh('cp', [path.join('/boot', `initrd.img-${kver}`), path.join(work, 'initrd.img')]);
      const put = async (rel: string, content: string, mode = 0o644): Promise<void> => {
        const file = path.join(rootfs, rel);
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, content, { mode });
        await fs.chmod(file, mode);
      };
      await put('etc/cloud/cloud.cfg.d/99_flotilla.cfg', CLOUD_CFG);
      await put('etc/systemd/system/systemd-networkd-wait-online.service.d/any.conf', WAIT_ONLINE_DROPIN);
      await put('etc/fstab', '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n');
      await put('etc/hostname', 'flotilla\n');
      await put('etc/machine-id', '');
      await put('etc/ssh/sshd_config.d/flotilla.conf', 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\n# boot-time probes of a slow (emulated) guest must not lock out the real login\nMaxStartups 100:30:200\n');
      await put('etc/modules-load.d/flotilla.conf', 'overlay\nbr_netfilter\nisofs\n');
      await sh('chroot', [rootfs, 'systemctl', 'enable', 'cloud-init-local.service', 'cloud-init.service', 'cloud-config.service', 'cloud-final.service', 'systemd-networkd.service', 'ssh.service', 'docker.service']);
      await sh('chroot', [rootfs, 'apt-get', 'clean']);
      // per-machine identity comes at first boot: host keys (cloud-init's ssh module), machine-id, cloud-init's instance state
      await fs.rm(path.join(rootfs, 'var/lib/cloud'), { recursive: true, force: true });
      for (const f of await fs.readdir(path.join(rootfs, 'etc/ssh'))) {
        if (f.startsWith('ssh_host_')) await fs.rm(path.join(rootfs, 'etc/ssh', f));
      }
      await sh('mkfs.ext4', ['-q', '-F', '-L', 'flotilla-root', '-d', rootfs, path.join(work, 'rootfs.raw'), opts.diskSize ?? '3G']);
      await fs.rm(rootfs, { recursive: true, force: true });
      await fs.writeFile(
        path.join(work, 'image.json'),
        JSON.stringify({ key, suite, mirror, kernelVersion: kver, packages: TEST_IMAGE_PACKAGES, recipe: TEST_IMAGE_RECIPE, builtAt: new Date().toISOString() }, null, 2) + '\n',
      );
      await fs.rm(dir, { recursive: true, force: true });
      await fs.rename(work, dir);
      log(`test image ready: ${dir}`);
      return bundleFor(dir);
    } catch (e) {
      await fs.rm(work, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  });
}
