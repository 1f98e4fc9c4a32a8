import { describe, expect, it } from 'vitest';
import { chooseAdvertiseAddr, sharedPrefix } from './address';

describe('advertise address choice', () => {
  it('picks the address on the peers network, not loopback or Docker bridges', () => {
    expect(chooseAdvertiseAddr(['127.0.0.1', '172.17.0.1', '192.168.1.5', '10.88.1.11'], ['10.88.1.12', '10.88.1.13'])).toBe('10.88.1.11');
    expect(chooseAdvertiseAddr(['172.17.0.1', '192.168.56.10', '10.0.2.15'], ['192.168.56.11'])).toBe('192.168.56.10');
  });
  it('without peers, the first usable address; none when only loopback', () => {
    expect(chooseAdvertiseAddr(['127.0.0.1', '172.17.0.1', '10.0.0.4'], [])).toBe('10.0.0.4');
    expect(chooseAdvertiseAddr(['127.0.0.1'], [])).toBeUndefined();
  });
  it('shared prefix length', () => {
    expect(sharedPrefix('10.88.1.11', '10.88.1.12')).toBe(29);
    expect(sharedPrefix('10.0.0.1', '10.0.0.1')).toBe(32);
    expect(sharedPrefix('10.0.0.1', '192.168.0.1')).toBe(0);
  });
});
