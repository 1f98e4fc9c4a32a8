// The VirtualBox driver's parsers and host-only network rules, on VBoxManage outputs recorded from public reports
// (test/fixtures/virtualbox, sources in SOURCE.md).
import { describe, it, expect } from 'vitest';
import { parseDhcpServers, parseHostOnlyIfs, parseMachineReadable, hostOnlyMac, ipForMac, vmStateOf, parseVersion } from './parse.js';
import { dhcpPlan, parseHostCidr, inDefaultAllowedRange, networksConfAllows, findCollision } from './network.js';
import { checkVersion } from './vbox.js';
import { fx } from '../../../../../test/support/virtualbox';

describe('parsers on recorded outputs', () => {
  it('reads list hostonlyifs (VirtualBox 5, 6.1 with Wireless:, Windows names, Windows duplicate names)', () => {
    const two = parseHostOnlyIfs(fx('list-hostonlyifs.two.handwritten.txt'));
    expect(two.map((i) => [i.name, i.ip, i.netmask, i.networkName])).toEqual([
      ['vboxnet0', '192.168.99.1', '255.255.255.0', 'HostInterfaceNetworking-vboxnet0'],
      ['vboxnet1', '192.168.99.1', '255.255.255.0', 'HostInterfaceNetworking-vboxnet1'],
    ]);
    expect(two[0]!.dhcp).toBe(false);
    expect(two[1]!.hwaddr).toBe('0a:00:27:00:00:01');
    const v61 = parseHostOnlyIfs(fx('list-hostonlyifs.vbox61.txt'));
    expect(v61.map((i) => [i.name, i.ip, i.status])).toEqual([['vboxnet10', '192.168.66.1', 'Down'], ['vboxnet11', '192.168.67.1', 'Down']]);
    const win = parseHostOnlyIfs(fx('list-hostonlyifs.windows.txt'));
    expect(win).toEqual([
      {
        name: 'VirtualBox Host-Only Ethernet Adapter',
        guid: '7f5b8ac2-8c0c-4b68-b197-b146e8f22a91',
        dhcp: true, // Windows' own DHCP client setting for the adapter, not a VirtualBox DHCP server
        ip: '192.168.56.3',
        netmask: '255.255.255.0',
        hwaddr: '0a:00:27:00:00:2d',
        status: 'Up',
        networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter',
      },
    ]);
    const same = parseHostOnlyIfs(fx('list-hostonlyifs.same-name.windows.txt'));
    expect(same.map((i) => [i.name, i.ip])).toEqual([['VirtualBox NDIS 6.0 Miniport Driver', '192.168.99.1'], ['VirtualBox NDIS 6.0 Miniport Driver', '192.168.56.1']]);
  });

  it('reads list dhcpservers in the old (Linux, Windows) and the 6.1 formats', () => {
    const v5 = parseDhcpServers(fx('list-dhcpservers.vbox5.txt'));
    expect(v5).toHaveLength(3);
    expect(v5[0]).toEqual({ networkName: 'HostInterfaceNetworking-vboxnet0', ip: '192.168.88.100', netmask: '255.255.255.0', lower: '192.168.88.102', upper: '192.168.88.254', enabled: true });
    expect(v5[2]!.enabled).toBe(false);
    expect(parseDhcpServers(fx('list-dhcpservers.windows.txt'))).toEqual([
      { networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter', ip: '192.168.56.100', netmask: '255.255.255.0', lower: '192.168.56.101', upper: '192.168.56.254', enabled: true },
      { networkName: 'HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2', ip: '192.168.59.99', netmask: '255.255.255.0', lower: '192.168.59.103', upper: '192.168.59.254', enabled: true },
    ]);
    const v61 = parseDhcpServers(fx('list-dhcpservers.vbox61.txt'));
    expect(v61).toEqual([{ networkName: 'HostInterfaceNetworking-vboxnet0', ip: '10.20.30.2', netmask: '255.255.255.0', lower: '10.20.30.10', upper: '10.20.30.254', enabled: true }]);
  });

  it('reads showvminfo --machinereadable, the host-only MAC and the IP for that MAC', () => {
    // quoted keys ("SATA-1-0"="...") next to plain ones, from a real docker-machine VM on macOS
    const mac = parseMachineReadable(fx('showvminfo.storage-nics.macos.txt'));
    expect(mac.get('SATA-1-0')).toBe('/Users/swaschni/.docker/machine/machines/default/disk.vmdk');
    expect(mac.get('SATA-ImageUUID-1-0')).toBe('01cd15cc-e28b-40b8-aa79-e7d86907221f');
    expect(mac.get('SATA-29-0')).toBe('none');
    expect(mac.get('Forwarding(0)')).toBe('ssh,tcp,127.0.0.1,60552,,22');
    expect(hostOnlyMac(mac)).toBe('080027f3e42d');
    expect(vmStateOf(mac)).toBe('unknown'); // the fragment has no VMState line
    const ms = parseMachineReadable(fx('showvminfo.minishift-head.txt'));
    expect(ms.get('name')).toBe('minishift');
    expect(ms.get('memory')).toBe('2048');
    expect(ms.get('CfgFile')).toBe('C:\\\\Users\\\\ai\\\\.minishift\\\\machines\\\\minishift\\\\minishift\\\\minishift.vbox');
    expect(hostOnlyMac(ms)).toBeUndefined();
    const nics = parseMachineReadable(fx('showvminfo.hostonly-mac.txt'));
    expect(nics.get('hostonlyadapter2')).toBe('VirtualBox Host-Only Ethernet Adapter #2');
    expect(nics.get('Forwarding(0)')).toBe('ssh,tcp,127.0.0.1,49745,,22');
    expect(hostOnlyMac(nics)).toBe('08002765b2f2');
    // recorded `ip addr show` of a VirtualBox VM: eth0 is the NAT NIC, eth1 the host-only one
    expect(ipForMac(fx('ip-addr.txt'), '080027B647FD')).toBe('192.168.99.101');
    expect(ipForMac(fx('ip-addr.txt'), '08:00:27:ee:e7:a1')).toBe('10.0.2.15');
    expect(ipForMac(fx('ip-addr.txt'), hostOnlyMac(nics)!)).toBeUndefined();
  });

  it('maps VMState values as docker-machine does', () => {
    const st = (v: string) => vmStateOf(parseMachineReadable(`VMState="${v}"`));
    expect([st('running'), st('paused'), st('saved'), st('poweroff'), st('aborted'), st('whatever')]).toEqual(['running', 'paused', 'saved', 'stopped', 'stopped', 'unknown']);
    expect(vmStateOf(parseMachineReadable('VMState='))).toBe('unknown');
  });

  it('checks versions: 6.1 and later pass, older ones get the upgrade message', () => {
    expect(checkVersion(fx('version.7.1.8.txt'))).toEqual([7, 1, 8]);
    expect(checkVersion(fx('version.6.1.34.txt'))).toEqual([6, 1, 34]);
    expect(() => checkVersion(fx('version.6.0.0.txt'))).toThrow('VirtualBox "6.0.0r127566" is too old or unreadable: Flotilla needs VirtualBox 6.1 or later; upgrade from https://www.virtualbox.org/wiki/Downloads');
    expect(() => checkVersion(fx('version.5.0.14.txt'))).toThrow('VirtualBox "5.0.14r105127" is too old or unreadable');
    expect(() => checkVersion(fx('version.empty.txt'))).toThrow('VBoxManage --version printed nothing, so this VirtualBox install is broken: reinstall VirtualBox 6.1 or later');
    expect(() => checkVersion(fx('version.4.2.36.txt'))).toThrow(/"4.2.36-104064" is too old/);
    expect(parseVersion('X.Y')).toBeUndefined();
  });
});

describe('host-only network rules', () => {
  it('parses CIDRs and refuses a network address', () => {
    expect(parseHostCidr('192.168.59.1/24')).toEqual({ ip: '192.168.59.1', prefix: 24, netmask: '255.255.255.0', network: '192.168.59.0' });
    expect(() => parseHostCidr('192.168.59.0/24')).toThrow(/must be given with the host's address.*192.168.59.1\/24/);
    expect(() => parseHostCidr('192.168.100.1')).toThrow(/is not a host-only network/);
  });
  it('knows the 6.1.28 allowed range and /etc/vbox/networks.conf', () => {
    expect(inDefaultAllowedRange(parseHostCidr('192.168.56.1/24'))).toBe(true);
    expect(inDefaultAllowedRange(parseHostCidr('192.168.63.1/24'))).toBe(true);
    expect(inDefaultAllowedRange(parseHostCidr('192.168.99.1/24'))).toBe(false);
    expect(networksConfAllows('# mine\n* 10.0.0.0/8 192.168.0.0/16\n', parseHostCidr('192.168.99.1/24'))).toBe(true);
    expect(networksConfAllows('* 10.0.0.0/8\n', parseHostCidr('192.168.99.1/24'))).toBe(false);
  });
  it('plans DHCP ranges like docker-machine', () => {
    expect(dhcpPlan(parseHostCidr('192.168.59.1/24'))).toEqual({ serverIp: '192.168.59.2', lower: '192.168.59.100', upper: '192.168.59.254' });
    expect(dhcpPlan(parseHostCidr('100.121.20.1/25'))).toEqual({ serverIp: '100.121.20.2', lower: '100.121.20.3', upper: '100.121.20.126' });
  });
  it('finds a host interface on the same network', () => {
    const ifs = { en0: [{ address: '192.168.99.42', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: '192.168.99.42/24' }] };
    expect(findCollision(ifs, parseHostCidr('192.168.99.1/24'), [])).toBe('en0 (192.168.99.42)');
    expect(findCollision(ifs, parseHostCidr('192.168.59.1/24'), [])).toBeUndefined();
    expect(findCollision({ vboxnet0: ifs.en0 }, parseHostCidr('192.168.99.1/24'), ['vboxnet0'])).toBeUndefined();
  });
});
