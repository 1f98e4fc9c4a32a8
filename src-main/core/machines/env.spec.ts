import { describe, expect, it } from 'vitest';
import { renderEnv, renderUnset } from './env';

const v = { DOCKER_TLS_VERIFY: '1', DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_CERT_PATH: '/home/u/my "certs"/m1', DOCKER_MACHINE_NAME: 'm1' };

describe('machine env', () => {
  it('bash exports with quoting', () => {
    const out = renderEnv('bash', v, 'm1');
    expect(out).toContain('export DOCKER_TLS_VERIFY="1"');
    expect(out).toContain('export DOCKER_HOST="tcp://10.0.0.5:2376"');
    expect(out).toContain('export DOCKER_CERT_PATH="/home/u/my \\"certs\\"/m1"');
    expect(out).toContain('# eval $(flotilla machine env m1)');
  });
  it('fish uses set -gx', () => {
    expect(renderEnv('fish', v, 'm1')).toContain('set -gx DOCKER_MACHINE_NAME "m1";');
    expect(renderUnset('fish')).toContain('set -e DOCKER_HOST;');
  });
  it('powershell uses $Env:', () => {
    expect(renderEnv('powershell', v, 'm1')).toContain('$Env:DOCKER_HOST = "tcp://10.0.0.5:2376"');
    expect(renderUnset('powershell')).toContain('Remove-Item Env:\\DOCKER_HOST');
  });
  it('cmd uses SET', () => {
    expect(renderEnv('cmd', v, 'm1')).toContain('SET DOCKER_HOST=tcp://10.0.0.5:2376');
    expect(renderUnset('cmd')).toContain('SET DOCKER_CERT_PATH=');
  });
  it('bash -u unsets all four', () => {
    const out = renderUnset('bash');
    for (const k of ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME']) expect(out).toContain(`unset ${k}`);
  });
});
