// The Create service form's checks and the spec it sends (the same options `docker service create` takes).
import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, splitCommand, validateCreateForm, validateImageUpdate, type CreateFormValues } from './form';

const form = (p: Partial<CreateFormValues>): CreateFormValues => ({
  ...EMPTY_FORM,
  ...p,
});

describe('splitCommand', () => {
  it.each([
    ['sleep 1d', ['sleep', '1d']],
    ['  httpd   -f  ', ['httpd', '-f']],
    [`sh -c "echo hi; sleep 1d"`, ['sh', '-c', 'echo hi; sleep 1d']],
    [`echo 'a b' "c \\"d\\"" e\\ f`, ['echo', 'a b', 'c "d"', 'e f']],
    [`echo ""`, ['echo', '']],
    ['', []],
  ])('%s', (line, args) => {
    expect(splitCommand(line)).toEqual({ args });
  });
  it('refuses an unclosed quote', () => {
    expect(splitCommand(`sh -c "echo`).error).toMatch(/double quote is not closed/);
  });
});

describe('validateCreateForm', () => {
  it('turns a quick service into the spec', () => {
    const r = validateCreateForm(
      form({
        image: 'flotilla-lab/busybox:1',
        name: 'web',
        replicas: '6',
        command: 'httpd -f -p 80',
        ports: '8080:80\n\n 5353:53/udp ',
        env: 'A=1\nB=two words',
        constraints: 'node.role == worker',
        updateParallelism: '1',
        updateDelay: '10s',
      }),
    );
    expect(r.errors).toEqual({});
    expect(r.spec).toEqual({
      image: 'flotilla-lab/busybox:1',
      name: 'web',
      replicas: 6,
      args: ['httpd', '-f', '-p', '80'],
      publish: ['8080:80', '5353:53/udp'],
      env: ['A=1', 'B=two words'],
      constraints: ['node.role==worker'],
      updateParallelism: 1,
      updateDelay: '10s',
    });
  });

  it('global services send no replica count', () => {
    expect(validateCreateForm(form({ image: 'nginx', mode: 'global', replicas: 'x' })).spec).toEqual({ image: 'nginx', mode: 'global' });
  });

  it.each<[Partial<CreateFormValues>, keyof CreateFormValues, RegExp]>([
    [{ image: '' }, 'image', /an image is needed/],
    [{ image: 'Nginx:1' }, 'image', /not an image reference/],
    [{ image: 'nginx', name: '-web' }, 'name', /starting with a letter or digit/],
    [{ image: 'nginx', name: 'a'.repeat(64) }, 'name', /at most 63/],
    [{ image: 'nginx', replicas: '-1' }, 'replicas', /whole number/],
    [{ image: 'nginx', replicas: '1.5' }, 'replicas', /whole number/],
    [{ image: 'nginx', ports: '80:80\nhttp' }, 'ports', /"http" is not a port mapping/],
    [{ image: 'nginx', ports: '70000:80' }, 'ports', /out of range/],
    [{ image: 'nginx', ports: '8080:80\n8080:81' }, 'ports', /8080\/tcp is published twice/],
    [{ image: 'nginx', env: 'A=1\n1X=2' }, 'env', /"1X=2" is not KEY=value/],
    [{ image: 'nginx', env: 'NOVALUE' }, 'env', /not KEY=value/],
    [{ image: 'nginx', constraints: 'node.role=worker' }, 'constraints', /not a constraint/],
    [{ image: 'nginx', updateParallelism: 'two' }, 'updateParallelism', /whole number/],
    [{ image: 'nginx', updateDelay: '10 seconds' }, 'updateDelay', /duration like 5s/],
    [{ image: 'nginx', command: `sh -c 'x` }, 'command', /single quote is not closed/],
  ])('refuses %j in %s', (values, field, message) => {
    const r = validateCreateForm(form(values));
    expect(r.spec).toBeUndefined();
    expect(r.errors[field]).toMatch(message);
  });

  it('accepts registry hosts, digests and udp/tcp twice on one port', () => {
    const r = validateCreateForm(
      form({
        image: 'registry.local:5000/team/app:v1.2@sha256:' + 'a'.repeat(64),
        ports: '53:53/udp\n53:53/tcp\n80',
      }),
    );
    expect(r.errors).toEqual({});
    expect(r.spec?.publish).toEqual(['53:53/udp', '53:53/tcp', '80']);
  });
});

describe('validateImageUpdate', () => {
  it('sends the image with the rollout pace when given', () => {
    expect(
      validateImageUpdate({
        image: ' flotilla-lab/busybox:2 ',
        parallelism: '1',
        delay: '6s',
      }),
    ).toEqual({
      update: {
        image: 'flotilla-lab/busybox:2',
        updateParallelism: 1,
        updateDelay: '6s',
      },
    });
    expect(validateImageUpdate({ image: 'nginx:1', parallelism: '', delay: '' })).toEqual({ update: { image: 'nginx:1' } });
  });
  it('says what is wrong', () => {
    expect(validateImageUpdate({ image: '', parallelism: '', delay: '' }).error).toMatch(/image is needed/);
    expect(validateImageUpdate({ image: 'nginx', parallelism: 'x', delay: '' }).error).toMatch(/parallelism/);
    expect(validateImageUpdate({ image: 'nginx', parallelism: '', delay: 'soon' }).error).toMatch(/delay/);
  });
});
