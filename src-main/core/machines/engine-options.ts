// The engine options a machine is created with (--engine-label, --engine-registry-mirror,
// --engine-insecure-registry, --tls-san) reach root shells, boot2docker's profile (EXTRA_ARGS, which its init
// script word-splits unquoted, so no quoting can survive there), daemon.json and the server certificate. Each
// value is held to a character set that needs no quoting anywhere it goes; anything else is BAD_INPUT.
import net from 'node:net';
import { FlotillaError } from '../../api/errors';
import type { EngineOptions } from './types';

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)`;
const PORT = String.raw`(?::[0-9]{1,5})?`;

const RULES = {
  label: {
    flag: '--engine-label',
    re: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}=[A-Za-z0-9._:/@%+,=-]{0,256}$/,
    fix: 'use KEY=VALUE: the key of letters, digits and . _ / -, the value of letters, digits and . _ : / @ % + , = - (no spaces, quotes or shell characters)',
  },
  mirror: {
    flag: '--engine-registry-mirror',
    re: new RegExp(String.raw`^https?://${HOST}${PORT}(?:/[A-Za-z0-9._~/-]*)?$`),
    fix: 'use an http:// or https:// URL such as https://mirror.example:5000',
  },
  insecure: {
    flag: '--engine-insecure-registry',
    re: new RegExp(String.raw`^(?:${HOST}${PORT}|[0-9A-Fa-f:.]+/[0-9]{1,3})$`),
    fix: 'use HOST[:PORT] (no scheme) or a CIDR such as 10.0.0.0/8',
  },
  san: {
    flag: '--tls-san',
    re: /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/,
    fix: 'use a DNS name or an IP address',
  },
} as const;

function check(kind: keyof typeof RULES, value: unknown): void {
  const r = RULES[kind];
  if (typeof value === 'string' && (r.re.test(value) || (kind === 'san' && net.isIP(value) !== 0))) return;
  throw new FlotillaError('BAD_INPUT', `invalid ${r.flag} ${JSON.stringify(value)}: ${r.fix}`);
}

/** Throws BAD_INPUT naming the flag, the value and the fix for the first value that is not allowed. */
export function validateEngineOptions(e: Partial<EngineOptions>): void {
  for (const l of e.labels ?? []) check('label', l);
  for (const m of e.registryMirrors ?? []) check('mirror', m);
  for (const r of e.insecureRegistries ?? []) check('insecure', r);
  for (const s of e.tlsSans ?? []) check('san', s);
}
