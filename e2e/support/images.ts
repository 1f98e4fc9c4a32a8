// Workload images for the e2e swarm. There is no registry here, so each machine's engine gets the lab's
// busybox image (imported from Debian's busybox-static) as flotilla-lab/busybox:latest and :1, and a
// really different :2 (one more layer), so a rolling update from :1 to :2 changes the image for real.
import { spawnSync } from 'node:child_process';
import { containerName } from '../../src-main/core/machines/drivers/container';
import { ensureNodeBusybox } from '../../src-main/core/lab/image';

export const IMAGE_V1 = 'flotilla-lab/busybox:1';
export const IMAGE_V2 = 'flotilla-lab/busybox:2';

function inMachine(machine: string, script: string): void {
  const r = spawnSync('docker', ['exec', '-i', containerName(machine), 'sh', '-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`in machine ${machine}: ${script} failed (exit ${r.status}): ${r.stderr}`);
}

export async function ensureWorkloadImages(machines: string[]): Promise<void> {
  for (const m of machines) {
    await ensureNodeBusybox(containerName(m));
    inMachine(
      m,
      `docker image inspect ${IMAGE_V1} >/dev/null 2>&1 || docker tag flotilla-lab/busybox:latest ${IMAGE_V1}; ` +
        `docker image inspect ${IMAGE_V2} >/dev/null 2>&1 || printf 'FROM ${IMAGE_V1}\\nRUN echo 2 > /version\\n' | DOCKER_BUILDKIT=0 docker build -q -t ${IMAGE_V2} - >/dev/null`,
    );
  }
}
