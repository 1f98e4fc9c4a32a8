import { describe, expect, it } from 'vitest';
import { FlotillaError } from '../../api/errors';
import { noSuchNode, notManager, wrapEngineError, engineMessage, lastManager, badReplicas } from './errors';
import { findNode } from './nodes';

describe('swarm errors in plain words', () => {
  it('name the thing and the fix', () => {
    expect(noSuchNode('x').message).toBe('no such node: x');
    expect(noSuchNode('x').code).toBe('NOT_FOUND');
    expect(notManager('flab-n2').message).toBe('node flab-n2 is not a swarm manager: promote it or connect to a manager');
    expect(lastManager('flab-n1').message).toMatch(/^node flab-n1 is the last manager: .*promote another node first$/);
    expect(badReplicas('x').code).toBe('BAD_INPUT');
  });

  it('rewrite engine errors', () => {
    const e404 = Object.assign(new Error('(HTTP code 404) no such node - node abc not found'), { statusCode: 404, json: { message: 'node abc not found' } });
    expect(wrapEngineError(e404, { kind: 'node', ref: 'abc' }).message).toBe('no such node: abc');
    const e503 = Object.assign(new Error('x'), { statusCode: 503, json: { message: 'This node is not a swarm manager. Worker nodes cannot be used to view or modify cluster state.' } });
    expect(wrapEngineError(e503).message).toBe('this engine is not a swarm manager: promote it or connect to a manager');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:2376'), { code: 'ECONNREFUSED' });
    expect(wrapEngineError(refused).code).toBe('UNREACHABLE');
    expect(engineMessage(new Error('(HTTP code 409) unexpected - name conflicts with an existing object'))).toBe('name conflicts with an existing object');
    const same = new FlotillaError('CONFLICT', 'kept');
    expect(wrapEngineError(same)).toBe(same);
  });

  it('find nodes by id, hostname or unique prefix', () => {
    const nodes = [
      { ID: 'abc123', Description: { Hostname: 'n1' } },
      { ID: 'abd456', Description: { Hostname: 'n2' } },
    ];
    expect(findNode(nodes, 'n2').ID).toBe('abd456');
    expect(findNode(nodes, 'abc').ID).toBe('abc123');
    expect(() => findNode(nodes, 'ab')).toThrow('node ID prefix ab is ambiguous');
    expect(() => findNode(nodes, 'zzz')).toThrow('no such node: zzz');
  });
});
