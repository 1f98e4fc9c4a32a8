// `npm run bench -- stacks`: wall time to deploy a 20-service stack with Flotilla (services created
// concurrently) and with `docker stack deploy` (the docker CLI 28 of this machine, run inside the lab's
// manager node), on the same swarm, both detached and with --resolve-image never; printed as a ratio.
// Needs the lab (FLOTILLA_LAB_NAME, default flab) with node 1 a swarm manager (initialised if inactive).
import { labStatus } from '../src-main/core/lab';
import { run } from '../src-main/core/lab/exec';
import { ensureNodeBusybox } from '../src-main/core/lab/image';
import { connectEngine } from '../src-main/core/engine';
import { loadStack } from '../src-main/core/stacks/loader';
import { deployStack } from '../src-main/core/stacks/deploy';
import { removeStack } from '../src-main/core/stacks/remove';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function compose(): string {
  const lines = ['services:'];
  for (let i = 1; i <= SERVICES; i++) {
    lines.push(`  s${i}:`, '    image: flotilla-lab/busybox:latest', '    command: ["sleep", "3600"]', '    networks: [a, b]', '    environment:', `      INDEX: "${i}"`, '    deploy:', '      replicas: 1', '      resources:', '        limits: {memory: 32M}');
  }
  lines.push('networks:', '  a:', '  b:');
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const lab = process.env.FLOTILLA_LAB_NAME ?? 'flab';
  const nodes = await labStatus(lab);
  if (!nodes.length) throw new Error(`lab ${lab} is not running: start it with \`flotilla lab up --nodes 1 --name ${lab}\``);
  const node = nodes[0];
  const exec = async (args: string[], input?: string) => {
    const r = await run('docker', ['exec', ...(input !== undefined ? ['-i'] : []), node.name, ...args], { input, timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const state = (await exec(['docker', 'info', '--format', '{{.Swarm.LocalNodeState}}'])).trim();
  if (state === 'inactive') await exec(['docker', 'swarm', 'init', '--advertise-addr', node.ip]);
  await ensureNodeBusybox(node.name);
  if ((await run('docker', ['exec', node.name, 'test', '-x', '/usr/local/bin/docker28'])).code !== 0) await run('docker', ['cp', '/usr/local/bin/docker', `${node.name}:/usr/local/bin/docker28`]);
  const text = compose();
  await exec(['sh', '-c', 'cat > /tmp/bench-stack.yml'], text);
  const conn = await connectEngine({ kind: 'ssh', user: 'root', host: node.ip, port: 22, identityFile: node.identity });
  const loaded = loadStack({ files: [{ file: '/tmp/bench-stack.yml', content: text }], env: {} });
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  const waitGone = async (stack: string) => {
    for (let i = 0; i < 100; i++) {
      await removeStack(conn.docker, stack).catch(() => undefined);
      const left = await exec(['sh', '-c', `docker service ls -q --filter label=com.docker.stack.namespace=${stack}; docker network ls -q --filter label=com.docker.stack.namespace=${stack}`]);
      if (!left.trim()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const cli: number[] = [];
  const fl: number[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      await waitGone('benchcli');
      let t = performance.now();
      await exec(['docker28', 'stack', 'deploy', '--detach=true', '--resolve-image', 'never', '-c', '/tmp/bench-stack.yml', 'benchcli']);
      cli.push(performance.now() - t);
      await waitGone('benchcli');
      await waitGone('benchfl');
      t = performance.now();
      await deployStack(conn.docker, { stack: 'benchfl', config: loaded.config, resolveImage: 'never', wait: false });
      fl.push(performance.now() - t);
      await waitGone('benchfl');
    }
  } finally {
    await waitGone('benchcli');
    await waitGone('benchfl');
    await conn.close();
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const c = med(cli);
  const f = med(fl);
  process.stdout.write(
    [
      `stack deploy of ${SERVICES} services + 2 networks on ${node.name} (${ROUNDS} rounds, median, detached, --resolve-image never)`,
      `  docker stack deploy (CLI 28 inside the node): ${c.toFixed(0)} ms   [${cli.map((x) => x.toFixed(0)).join(', ')}]`,
      `  flotilla (over SSH, concurrent creates):      ${f.toFixed(0)} ms   [${fl.map((x) => x.toFixed(0)).join(', ')}]`,
      `  ratio flotilla / docker: ${(f / c).toFixed(2)}`,
    ].join('\n') + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench stacks: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
