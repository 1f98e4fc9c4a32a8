// Client-side image handling of `docker stack deploy`: reference normalization (TagNameOnly + FamiliarString),
// digest pinning through the engine's distribution endpoint, and registry auth from ~/.docker/config.json
// (auths, credsStore, credHelpers) encoded byte for byte as the CLI encodes X-Registry-Auth.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { FlotillaError } from '../../api/errors';

export type ResolveImage = 'always' | 'changed' | 'never';

/** Splits a reference into domain, path, tag and digest (distribution/reference rules, simplified). */
export function parseReference(ref: string): { domain: string; path: string; tag?: string; digest?: string } {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  let domain = 'docker.io';
  let p = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      domain = first;
      p = rest.slice(slash + 1);
    }
  }
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !p.includes('/')) p = `library/${p}`;
  return { domain, path: p, tag, digest };
}

/** imageWithTagString: `nginx` -> `nginx:latest`, `docker.io/library/nginx:1` -> `nginx:1`. */
export function familiarTagged(image: string): string {
  const r = parseReference(image);
  if (!r.tag && !r.digest) r.tag = 'latest';
  let name = r.domain === 'docker.io' ? r.path.replace(/^library\//, '') : `${r.domain}/${r.path}`;
  if (r.tag) name += `:${r.tag}`;
  if (r.digest) name += `@${r.digest}`;
  return name;
}

interface FileAuth {
  auth?: string;
  username?: string;
  password?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, FileAuth>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** the fields of registry.AuthConfig the CLI sends (RetrieveAuthTokenFromImage) */
export interface RegistryAuth {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** config.json's key for an image's registry (getAuthConfigKey): Docker Hub is "https://index.docker.io/v1/", else the host[:port] */
export function authConfigKey(image: string): string {
  const domain = parseReference(image).domain;
  return domain === 'docker.io' ? 'https://index.docker.io/v1/' : domain;
}

/** credentials.ConvertToHostname: a legacy key such as "https://host:5000/v1/" as "host:5000" */
const toHostname = (url: string): string => url.replace(/^https?:\/\//, '').split('/')[0];

/** How long a credential helper may take (it may ask the user to unlock a keychain) before it is killed. */
export const CREDENTIAL_HELPER_TIMEOUT_MS = 30_000;
/** a helper prints one small JSON object: more than this is not an answer */
const HELPER_OUTPUT_MAX = 1 << 20;

/** Runs `program get` with `input` on stdin, off the main thread's way: killed after timeoutMs. */
function runHelper(program: string, input: string, timeoutMs: number): Promise<{ status: number | null; out: string; error?: NodeJS.ErrnoException; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let settled = false;
    const finish = (r: { status: number | null; error?: NodeJS.ErrnoException }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, out: Buffer.concat(chunks).toString('utf8'), timedOut });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= HELPER_OUTPUT_MAX) chunks.push(c);
      else child.kill('SIGKILL');
    });
    child.stdin.on('error', () => undefined); // a helper that exits without reading its stdin
    child.stdin.end(input);
    child.once('error', (error: NodeJS.ErrnoException) => finish({ status: null, error }));
    child.once('close', (status) => finish({ status }));
  });
}

/** `docker-credential-<helper> get` with the server address on stdin, as docker-credential-helpers' client.Get does */
async function fromHelper(helper: string, key: string, timeoutMs: number): Promise<RegistryAuth> {
  const program = `docker-credential-${helper}`;
  const r = await runHelper(program, key, timeoutMs);
  if (r.error) throw new FlotillaError('AUTH', `error getting credentials - err: ${r.error.code === 'ENOENT' ? `exec: "${program}": executable file not found in $PATH` : r.error.message}: install ${program} or remove "${helper}" from credsStore/credHelpers in ${configFilePath()}`);
  if (r.timedOut)
    throw new FlotillaError('TIMEOUT', `the credential helper ${program} did not answer \`${program} get\` for ${key} within ${Math.round(timeoutMs / 1000)} s and was stopped: check that it works (\`echo ${key} | ${program} get\`; it may be waiting for a keychain to be unlocked), or deploy without --with-registry-auth`);
  const out = r.out.trim();
  if (r.status !== 0) {
    // the helper's "credentials not found in native keychain": no credentials, not an error (the CLI sends an empty auth)
    if (/credentials not found in native keychain/.test(out)) return {};
    throw new FlotillaError('AUTH', `error getting credentials - err: exit status ${r.status ?? 'killed'}, out: \`${out.slice(0, 500)}\`: check ${program} (it is run as \`${program} get\`)`);
  }
  let creds: { Username?: string; Secret?: string };
  try {
    creds = JSON.parse(out) as { Username?: string; Secret?: string };
  } catch {
    throw new FlotillaError('AUTH', `error getting credentials - ${program} get printed no JSON: check the helper`);
  }
  const auth: RegistryAuth = { serveraddress: key };
  if (creds.Username === '<token>') auth.identitytoken = creds.Secret ?? '';
  else {
    auth.username = creds.Username ?? '';
    auth.password = creds.Secret ?? '';
  }
  return auth;
}

function configFilePath(configDir = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker')): string {
  return path.join(configDir, 'config.json');
}

/**
 * configfile.GetAuthConfig: the credential helper for this registry (credHelpers), else the credsStore, else the
 * `auths` entry (an exact key, else a legacy URL key of the same host); an empty auth with the key when none.
 */
export async function authConfigFor(key: string, configDir?: string, opts: { helperTimeoutMs?: number } = {}): Promise<RegistryAuth> {
  let cfg: DockerConfigFile = {};
  try {
    cfg = JSON.parse(await fs.readFile(configFilePath(configDir), 'utf8')) as DockerConfigFile;
  } catch {
    cfg = {};
  }
  const fileEntry = (): RegistryAuth => {
    const auths = cfg.auths ?? {};
    const found = key in auths ? ([key, auths[key]] as const) : Object.entries(auths).find(([k]) => toHostname(k) === key);
    if (!found) return { serveraddress: key };
    const [addr, e] = found;
    let username = e.username ?? '';
    let password = e.password ?? '';
    if (e.auth) {
      const dec = Buffer.from(e.auth, 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i < 0) throw new FlotillaError('AUTH', `invalid auth configuration file ${configFilePath(configDir)}: the "auth" of ${addr} is not base64 of user:password`);
      username = dec.slice(0, i);
      password = dec.slice(i + 1);
    }
    return { username, password, serveraddress: addr, identitytoken: e.identitytoken, registrytoken: e.registrytoken };
  };
  // getConfiguredCredentialStore: a credHelpers entry wins even when empty (then the file is used)
  const helper = cfg.credHelpers && key in cfg.credHelpers ? cfg.credHelpers[key] : cfg.credsStore;
  if (!helper) return fileEntry();
  // nativeStore.Get keeps the file entry's other fields (registrytoken) under the helper's credentials
  const file = fileEntry();
  const creds = await fromHelper(helper, key, opts.helperTimeoutMs ?? CREDENTIAL_HELPER_TIMEOUT_MS);
  return { username: creds.username, password: creds.password, serveraddress: creds.serveraddress, identitytoken: creds.identitytoken, registrytoken: file.registrytoken };
}

/** Go's json.Marshal of a string: HTML-safe (<, >, & escaped) and U+2028/U+2029 escaped */
const goString = (s: string): string => JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** registry.EncodeAuthConfig: json.Marshal (fields in struct order, empty ones omitted) then base64.URLEncoding (padded) */
export function encodeRegistryAuth(a: RegistryAuth): string {
  const fields = (['username', 'password', 'serveraddress', 'identitytoken', 'registrytoken'] as const).filter((k) => a[k]);
  const json = `{${fields.map((k) => `"${k}":${goString(a[k]!)}`).join(',')}}`;
  return Buffer.from(json, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The X-Registry-Auth value the docker CLI sends for an image (`--with-registry-auth`), from $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
export async function registryAuthFor(image: string, configDir?: string, opts: { helperTimeoutMs?: number } = {}): Promise<string> {
  return encodeRegistryAuth(await authConfigFor(authConfigKey(image), configDir, opts));
}

export interface Pinned {
  image: string;
  platforms?: Array<{ Architecture: string; OS: string }>;
  warning?: string;
}

/** QueryRegistry: pin the image to its digest and set Placement.Platforms, or keep it with the CLI's warning. */
export async function pinImage(docker: Docker, image: string, auth?: string): Promise<Pinned> {
  const tagged = familiarTagged(image);
  try {
    const info = (await docker.getImage(tagged).distribution(auth ? { authconfig: { base64: auth } as never } : {})) as { Descriptor: { digest: string }; Platforms?: Array<{ architecture: string; os: string }> };
    const pinned = parseReference(tagged).digest ? tagged : `${tagged}@${info.Descriptor.digest}`;
    const seen = new Set<string>();
    const platforms: Array<{ Architecture: string; OS: string }> = [];
    for (const p of info.Platforms ?? []) {
      if (p.os === 'unknown' || p.architecture === 'unknown') continue;
      const arch = p.architecture === 'arm' ? '' : p.architecture;
      const k = `${p.os}/${arch}`;
      if (seen.has(k)) continue;
      seen.add(k);
      platforms.push({ Architecture: arch, OS: p.os });
    }
    return { image: pinned, platforms };
  } catch {
    return {
      image: tagged,
      warning: `image ${image} could not be accessed on a registry to record\nits digest. Each node will access ${image} independently,\npossibly leading to different nodes running different\nversions of the image.\n`,
    };
  }
}
