// The lab image's Dockerfile route (assets/lab/Dockerfile), on a real engine. The build machines have no
// registry, so here it must fail fast with an error that says to use debootstrap; where debian:bookworm
// can be pulled, it must build an image that boots systemd (checked by its Cmd and StopSignal).
import { afterAll, expect, it } from 'vitest';
import { run } from '../../src-main/core/lab/exec';
import { buildWithDockerfile } from '../../src-main/core/lab/image';
import { describeLab } from '../support/lab';

const REF = 'flotilla-lab/dockerfile-route-test:1';

describeLab('lab image: the Dockerfile route', () => {
  afterAll(async () => {
    await run('docker', ['image', 'rm', '-f', REF]);
  });

  it('builds where a registry answers, and says what to do where none does', async () => {
    const registry = (await run('docker', ['pull', 'debian:bookworm'], { timeoutMs: 120_000 })).code === 0;
    if (registry) {
      await buildWithDockerfile('nodocker', REF, () => undefined);
      const r = await run('docker', ['image', 'inspect', '--format', '{{json .Config.Cmd}} {{.Config.StopSignal}}', REF]);
      expect(r.stdout.trim()).toBe('["/sbin/init"] SIGRTMIN+3');
    } else {
      await expect(buildWithDockerfile('nodocker', REF, () => undefined)).rejects.toThrow(/from its Dockerfile failed: .* build it with debootstrap instead/s);
    }
  });
});
