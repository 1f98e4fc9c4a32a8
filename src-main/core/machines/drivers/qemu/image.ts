// The qemu driver's base images: which one a machine's `qemu-image` option names, made ready in the shared cache.
import fs from 'node:fs';
import path from 'node:path';
import { FlotillaError } from '../../../../api/errors';
import type { Runner } from '../../boot/runner';
import { ensureCloudImage, CLOUD_IMAGES, type CloudImageSource } from '../../images/cloud-image';
import { ensureTestImage, findTestImage } from '../../images/test-image';
import type { DriverContext, MachineSpec } from '../types';
import type { BootMedia } from './args';
import { str } from './data';
import type { QemuArch } from './host';

export interface ResolvedImage {
boot: BootMedia;
base: string;
format: string;
user: string;
source: string;
kernel?: string;
}

/** The base image the machine's overlay sits on: the test image (built once), a cloud image (downloaded once) or a local file. */
export async function resolveImage(spec: MachineSpec, ctx: DriverContext, o: { cacheDir: string; arch: QemuArch; runner: Runner; qemuImg: string }): Promise<ResolvedImage> {
  const source = str(spec.options['qemu-image'], 'debian-12');
  const cacheDir = o.cacheDir;
  if (source === 'test') {
    const cached = await findTestImage({ cacheDir });
    ctx.step('test image', cached ? `cached in ${path.dirname(cached.disk)}` : 'building the Debian test image (first time only, a few minutes)');
    const b = cached ?? (await ensureTestImage({ cacheDir, log: ctx.log, signal: ctx.signal }));
    return { boot: { kind: 'kernel', kernel: b.kernel, initrd: b.initrd, append: b.append }, base: b.disk, format: b.diskFormat, user: b.sshUser, source, kernel: b.kernel };
  }
  let cloud: CloudImageSource | undefined = CLOUD_IMAGES[source]?.[o.arch];
  if (!cloud && /^https?:\/\//.test(source)) {
    const m = /^(sha256|sha512):([0-9a-fA-F]+)$/.exec(str(spec.options['qemu-image-checksum'], ''));
    if (!m) throw new FlotillaError('BAD_INPUT', `qemu-image ${source} needs qemu-image-checksum as sha256:HEX or sha512:HEX`);
    cloud = { url: source, algo: m[1] as 'sha256' | 'sha512', checksum: m[2]!, user: 'docker' };
  }
  if (cloud) {
    ctx.step('downloading image', cloud.url);
    let last = 0;
    const img = await ensureCloudImage({
      source: cloud,
      cacheDir,
      signal: ctx.signal,
      onProgress: (p) => {
        if (Date.now() - last < 1000) return;
        last = Date.now();
        ctx.step('downloading image', p.total ? `${Math.floor((p.received * 100) / p.total)}% of ${Math.round(p.total / 1048576)} MB` : `${Math.round(p.received / 1048576)} MB`);
      },
    });
    return { boot: { kind: 'disk' }, base: img.file, format: img.format, user: img.user, source };
  }
  const file = path.resolve(source);
  if (!fs.existsSync(file)) {
    throw new FlotillaError('NOT_FOUND', `qemu-image "${source}" is neither test, ${Object.keys(CLOUD_IMAGES).join(', ')}, an existing file nor an http(s) URL`);
  }
  const info = await o.runner.run(o.qemuImg, ['info', '--output=json', file], { timeoutMs: 30_000 });
  const format = info.code === 0 ? String((JSON.parse(info.stdout) as { format?: string }).format ?? 'raw') : 'raw';
  return { boot: { kind: 'disk' }, base: file, format, user: 'docker', source };
}
