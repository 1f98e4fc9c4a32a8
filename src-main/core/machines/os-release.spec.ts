import { describe, expect, it } from 'vitest';
import { detectOs, parseOsRelease } from './os-release';

const samples: Record<string, string> = {
  debian: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
  ubuntu: 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04.1 LTS"\n',
  rocky: 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n',
  alma: 'NAME="AlmaLinux"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n',
  centos: 'NAME="CentOS Stream"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\n',
  rhel: 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
  fedora: 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n# comment\n',
  b2d: 'NAME=Boot2Docker\nVERSION=19.03.12\nID=boot2docker\nID_LIKE=tcl\nVERSION_ID=19.03.12\n',
};

describe('os-release', () => {
  it('strips quotes and skips comments', () => {
    const r = parseOsRelease(samples.debian + "# x=y\nQUOTED='single'\n");
    expect(r.PRETTY_NAME).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(r.ID).toBe('debian');
    expect(r.QUOTED).toBe('single');
    expect(r['# x']).toBeUndefined();
  });
  it.each([
    ['debian', 'debian', '12'],
    ['ubuntu', 'debian', '24.04'],
    ['rocky', 'redhat', '9.4'],
    ['alma', 'redhat', '9.4'],
    ['centos', 'redhat', '9'],
    ['rhel', 'redhat', '9.4'],
    ['fedora', 'fedora', '40'],
    ['b2d', 'boot2docker', '19.03.12'],
  ])('%s is provisioned as %s', (k, family, version) => {
    const os = detectOs(parseOsRelease(samples[k]));
    expect(os.family).toBe(family);
    expect(os.version).toBe(version);
  });
  it('refuses an unknown OS with a clear message', () => {
    expect(() => detectOs(parseOsRelease('ID=plan9\nNAME="Plan 9"'))).toThrow(/unsupported operating system "Plan 9"/);
  });
});
