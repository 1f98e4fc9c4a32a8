// `npm run bench -- stacks`: wall time to deploy a 20-service stack with Flotilla (services created
// concurrently) and with `docker stack deploy` (the docker CLI 28 of this machine, run inside the lab's
// manager node), on the same swarm, both detached and with --resolve-image never; printed as a ratio.
// Needs the lab (FLOTILLA_LAB_NAME, default flab) with node 1 a swarm manager (initialised if inactive).
// The same-transport figure times the docker CLI from where Flotilla runs (this host) over the same kind of
// connection, `docker -H ssh://root@NODE` with the lab's key (the CLI's own ssh helper: `ssh ... docker system
// dial-stdio`), against Flotilla opening its SSH connection and deploying: each side's time includes connecting.
// Every request Flotilla makes is timed (the modem's dial wrapped) and printed as where its deploy time goes.
import { labStatus } from '../src-main/core/lab';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
  const target = { kind: 'ssh' as const, user: 'root', host: node.ip, port: 22, identityFile: node.identity };
  let conn = await connectEngine(target);
  // the docker CLI over ssh:// from this host: an `ssh` first on PATH that adds the lab's key (the CLI has no key flag)
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-stacks-'));
  await fs.writeFile(path.join(tmp, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -i '${node.identity}' -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$@"\n`, { mode: 0o755 });
  await fs.writeFile(path.join(tmp, 'stack.yml'), text);
  const hostCli = async (args: string[]): Promise<void> => {
    const r = await run('/usr/local/bin/docker', ['-H', `ssh://root@${node.ip}`, ...args], { timeoutMs: 300_000, env: { ...process.env, PATH: `${tmp}:${process.env.PATH ?? ''}`, DOCKER_CONFIG: tmp } });
    if (r.code !== 0) throw new Error(`docker -H ssh:// ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  // where Flotilla's deploy time goes: every request of the timed deploys, by method and path
  const reqs: Array<{ what: string; start: number; end: number }> = [];
  let timing = false;
  const wrap = (docker: typeof conn.docker): void => {
    const modem = docker.modem as unknown as { dial(o: { method?: string; path?: string }, cb: (err: unknown, data: unknown) => void): void };
    const dial = modem.dial.bind(modem);
    modem.dial = (o, cb) => {
      const start = performance.now();
      const what = `${o.method ?? 'GET'} ${(o.path ?? '').replace(/\?.*$/, '').replace(/\/[0-9a-z]{25}(?=\/|$)/, '/ID')}`;
      dial(o, (err, data) => {
        if (timing) reqs.push({ what, start, end: performance.now() });
        cb(err, data);
      });
    };
  };
  const loaded = loadStack({ files: [{ file: '/tmp/bench-stack.yml', content: text }], env: {} });
  if (!loaded.config) throw new Error(JSON.stringify(loaded.diagnostics));
  // a stack is gone when its services and networks are, and so are its task containers on every node: a timed deploy
  // must not share the CPUs with the previous round's 20 containers stopping (that moved single rounds by 2x)
  const containersLeft = async (stack: string): Promise<boolean> => {
    for (const n of nodes) {
      const r = await run('docker', ['exec', n.name, 'docker', 'ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`]);
      if (r.stdout.trim()) return true;
    }
    return false;
  };
  const waitGone = async (stack: string) => {
    for (let i = 0; i < 120; i++) {
      await removeStack(conn.docker, stack).catch(() => undefined);
      const left = await exec(['sh', '-c', `docker service ls -q --filter label=com.docker.stack.namespace=${stack}; docker network ls -q --filter label=com.docker.stack.namespace=${stack}`]);
      if (!left.trim() && !(await containersLeft(stack))) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const cli: number[] = [];
  const fl: number[] = [];
  const cliSsh: number[] = [];
  const flSsh: number[] = [];
  const phases: Array<{ start: number; end: number }> = [];
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
      // the same transport: the CLI over ssh:// from here, Flotilla connecting over SSH from here
      t = performance.now();
      await hostCli(['stack', 'deploy', '--detach=true', '--resolve-image', 'never', '-c', path.join(tmp, 'stack.yml'), 'benchcli']);
      cliSsh.push(performance.now() - t);
      await waitGone('benchcli');
      // Flotilla's SSH connections to one host share a tunnel: close this one so the timed deploy dials its own
      await conn.close();
      t = performance.now();
      const fresh = await connectEngine(target);
      wrap(fresh.docker);
      timing = true;
      await deployStack(fresh.docker, { stack: 'benchfl', config: loaded.config, resolveImage: 'never', wait: false });
      timing = false;
      flSsh.push(performance.now() - t);
      phases.push({ start: t, end: performance.now() });
      await fresh.close();
      conn = await connectEngine(target);
      await waitGone('benchfl');
    }
  } finally {
    await waitGone('benchcli');
    await waitGone('benchfl');
    await conn.close();
    await fs.rm(tmp, { recursive: true, force: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const c = med(cli);
  const f = med(fl);
  const cs = med(cliSsh);
  const fs2 = med(flSsh);
  // the requests of the last timed deploy, in order of start, grouped by kind: count, time span they covered
  const last = phases[phases.length - 1];
  const mine = reqs.filter((r) => r.start >= last.start && r.end <= last.end);
  const kinds = [...new Set(mine.map((r) => r.what))].map((w) => {
    const rs = mine.filter((r) => r.what === w);
    const from = Math.min(...rs.map((r) => r.start)) - last.start;
    const to = Math.max(...rs.map((r) => r.end)) - last.start;
    return `    ${w.padEnd(28)} x${String(rs.length).padEnd(3)} ${from.toFixed(0).padStart(5)} -> ${to.toFixed(0).padStart(5)} ms (each ${Math.min(...rs.map((r) => r.end - r.start)).toFixed(0)}-${Math.max(...rs.map((r) => r.end - r.start)).toFixed(0)} ms)`;
  });
  const firstReq = mine.length ? Math.min(...mine.map((r) => r.start)) - last.start : 0;
  process.stdout.write(
    [
      `stack deploy of ${SERVICES} services + 2 networks on ${node.name} (${ROUNDS} rounds, median, detached, --resolve-image never)`,
      `  docker stack deploy (CLI 28 inside the node): ${c.toFixed(0)} ms   [${cli.map((x) => x.toFixed(0)).join(', ')}]`,
      `  flotilla (over SSH, concurrent creates):      ${f.toFixed(0)} ms   [${fl.map((x) => x.toFixed(0)).join(', ')}]`,
      `  ratio flotilla / docker: ${(f / c).toFixed(2)}`,
      `same transport, from this host over SSH (each side connecting as it deploys):`,
      `  docker -H ssh://root@${node.ip} stack deploy:  ${cs.toFixed(0)} ms   [${cliSsh.map((x) => x.toFixed(0)).join(', ')}]`,
      `  flotilla (connect over SSH + deploy):        ${fs2.toFixed(0)} ms   [${flSsh.map((x) => x.toFixed(0)).join(', ')}]`,
      `  ratio flotilla / docker, same transport: ${(fs2 / cs).toFixed(2)}`,
      `  where flotilla's last same-transport deploy went (${(last.end - last.start).toFixed(0)} ms; connecting until the first request: ${firstReq.toFixed(0)} ms):`,
      ...kinds,
    ].join('\n') + '\n',
  );
  process.stdout.write(
    JSON.stringify({ bench: 'stacks', services: SERVICES, rounds: ROUNDS, cliInNodeMs: Math.round(c), flotillaMs: Math.round(f), ratio: f / c, cliSshMs: Math.round(cs), flotillaSshMs: Math.round(fs2), ratioSameTransport: fs2 / cs, targetSameTransport: 0.5 }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench stacks: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
