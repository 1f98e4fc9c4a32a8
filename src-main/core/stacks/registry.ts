// Client-side image handling of `docker stack deploy`: reference normalization (TagNameOnly + FamiliarString),
// digest pinning through the engine's distribution endpoint, and registry auth from ~/.docker/config.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';

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

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
}

/** The X-Registry-Auth value (base64url JSON) for an image, from ~/.docker/config.json; undefined if none. */
export function registryAuthFor(image: string, configDir = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker')): string | undefined {
  let cfg: DockerConfigFile;
  try {
    cfg = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const domain = parseReference(image).domain;
  const key = domain === 'docker.io' ? 'https://index.docker.io/v1/' : domain;
  const entry = cfg.auths?.[key] ?? cfg.auths?.[`https://${key}`] ?? cfg.auths?.[`http://${key}`];
  if (!entry) return undefined;
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  if (entry.auth) {
    const dec = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = dec.indexOf(':');
    username = dec.slice(0, i);
    password = dec.slice(i + 1);
  }
  const json = JSON.stringify({ username, password, serveraddress: key, auth: '', identitytoken: entry.identitytoken ?? '', registrytoken: entry.registrytoken ?? '' });
  return Buffer.from(json).toString('base64url');
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
