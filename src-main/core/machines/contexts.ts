// A docker context per machine (named after it, TLS material from the machine folder), so
// `docker --context NAME ...` works; removed with the machine. Made with the docker CLI itself.
// Contexts Flotilla did not make are never touched.
import { spawn } from 'node:child_process';

const DESCRIPTION_PREFIX = 'Flotilla machine';

function dockerCli(): string {
  return process.env.FLOTILLA_DOCKER_CLI ?? 'docker';
}

function cli(args: string[], timeoutMs = 20_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    let out = '';
    let child;
    try {
      child = spawn(dockerCli(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: -1, out: (e as Error).message });
      return;
    }
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', (e) => {
      clearTimeout(t);
      resolve({ code: -1, out: e.message });
    });
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, out });
    });
  });
}

async function description(name: string): Promise<string | undefined> {
  const r = await cli(['context', 'inspect', name]);
  if (r.code !== 0) return undefined;
  try {
    const parsed = JSON.parse(r.out) as Array<{ Metadata?: { Description?: string } }>;
    return parsed[0]?.Metadata?.Description ?? '';
  } catch {
    return '';
  }
}

export type ContextResult = { ok: true; name: string } | { ok: false; reason: string };

/** Creates or updates the context NAME for a machine; refuses to take over a context someone else made. */
export async function writeMachineContext(name: string, host: string, port: number, tls: { ca: string; cert: string; key: string }): Promise<ContextResult> {
  const desc = `${DESCRIPTION_PREFIX} ${name}`;
  const docker = `host=tcp://${host}:${port},ca=${tls.ca},cert=${tls.cert},key=${tls.key}`;
  const existing = await description(name);
  if (existing !== undefined && existing !== desc) return { ok: false, reason: `a docker context named ${name} already exists and was not made by Flotilla: left as it is` };
  const r = existing === undefined ? await cli(['context', 'create', name, '--description', desc, '--docker', docker]) : await cli(['context', 'update', name, '--description', desc, '--docker', docker]);
  if (r.code !== 0) return { ok: false, reason: `docker context ${existing === undefined ? 'create' : 'update'} ${name} failed: ${r.out.trim()}` };
  return { ok: true, name };
}

/** Removes the machine's context if Flotilla made it. */
export async function removeMachineContext(name: string): Promise<boolean> {
  const existing = await description(name);
  if (existing !== `${DESCRIPTION_PREFIX} ${name}`) return false;
  const r = await cli(['context', 'rm', '-f', name]);
  return r.code === 0;
}
