// The stacks handlers' attached files: what a browser sends for env_file, secret and config files is read
// instead of the host's disk (resolved like the loader resolves the path written in the file).
import { describe, expect, it } from 'vitest';
import type { Services } from '../services';
import { stacksHandlers } from './stacks';

const handlers = stacksHandlers({ home: '/nonexistent-flotilla-home' } as unknown as Services);
const compose = 'version: "3.9"\nservices:\n  web:\n    image: busybox\n    env_file: ./web.env\n';
const ctx = { signal: new AbortController().signal } as Parameters<(typeof handlers)['stacks.config']>[1];

describe('stacks handlers: attached files', () => {
  const base = { files: [{ file: '/nonexistent-dir/docker-compose.yml', content: compose }], variables: {}, dotEnv: false };

  it('without the attachment the env_file is read from the disk (and is missing there)', async () => {
    const r = await handlers['stacks.validate']({ ...base, attachments: {} }, ctx);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['services.web.env_file']);
  });

  it('an attached env_file is read from the request, by its path relative to the compose file', async () => {
    const attachments = { './web.env': Buffer.from('GREETING=hello\n').toString('base64') };
    const v = await handlers['stacks.validate']({ ...base, attachments }, ctx);
    expect(v.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const c = await handlers['stacks.config']({ ...base, attachments }, ctx);
    expect(c.yaml).toContain('GREETING: hello');
  });
});
