// The VirtualBox driver's command lines and prerequisites against VBoxManage outputs recorded from public reports (test/fixtures/virtualbox, sources in
// SOURCE.md; list-hostonlyifs.two.handwritten.txt is docker/machine's hand-written test data, not a recording).
import { describe, it, expect } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createVirtualBoxDriver } from './driver.js';
import { driverStand, FIX, fx, hostOnlyStartLines, Player, spec, VBM, vbox } from '../../../../../test/support/virtualbox';

const stand = driverStand();
const { ctx, deps } = stand;

describe('create, start, stop, kill, restart, remove: exact command lines', () => {
  it('creates a cloud-image VM: disk, seed, host-only network with DHCP, SSH port forward, start, IP by MAC', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p));
    const { endpoint, data } = await d.create(spec(), ctx());
    expect(p.lines).toEqual([
      `${VBM} --version`,
      `${VBM} showvminfo fl1 --machinereadable`,
      `${VBM} createvm --name fl1 --basefolder ${stand.dir} --ostype Ubuntu_64 --register`,
      `${VBM} modifyvm fl1 --firmware bios --cpus 2 --memory 2048 --acpi on --ioapic on --rtcuseutc on --natdnshostresolver1 off --natdnsproxy1 on --cpuhotplug off --pae on --hpet on --hwvirtex on --nestedpaging on --largepages on --vtxvpid on --accelerate3d off --boot1 disk --boot2 dvd --boot3 none --boot4 none --uart1 0x3F8 4 --uartmode1 file ${stand.dir}/console.log`,
      `${VBM} modifyvm fl1 --nic1 nat --nictype1 82540EM --cableconnected1 on`,
      `${VBM} storagectl fl1 --name SATA --add sata --hostiocache on`,
      `${VBM} clonemedium disk /cache/noble.vmdk ${stand.dir}/disk.vdi --format VDI`,
      `${VBM} modifymedium disk ${stand.dir}/disk.vdi --resize 20480`,
      `${VBM} storageattach fl1 --storagectl SATA --port 0 --device 0 --type hdd --medium ${stand.dir}/disk.vdi`,
      `${VBM} storageattach fl1 --storagectl SATA --port 1 --device 0 --type dvddrive --medium ${stand.dir}/seed.iso`,
      ...hostOnlyStartLines(40022),
    ]);
    expect(endpoint).toEqual({ ip: '192.168.99.101', ssh: { host: '127.0.0.1', port: 40022, user: 'docker' }, docker: { host: '192.168.99.101', port: 2376 } });
    expect(data).toMatchObject({ vm: 'fl1', hostOnlyAdapter: 'vboxnet12', sshPort: 40022, hostOnlyCidr: '192.168.59.1/24', bootImage: 'cloud' });
    expect((await fs.stat(path.join(stand.dir, 'seed.iso'))).size).toBeGreaterThan(0);
    expect(stand.sshCalls).toEqual(['docker@127.0.0.1:40022 ip addr show', 'docker@127.0.0.1:40022 cloud-init status --wait >/dev/null 2>&1; docker --version']);
  });

  it('reuses an adapter and keeps its enabled DHCP server as it is (both recorded on one host)', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.vbox61-with-dhcp.txt', dhcpservers: 'list-dhcpservers.vbox61.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '10.20.30.1/24' }), ctx());
    const i = p.lines.indexOf(`${VBM} list hostonlyifs`);
    expect(p.lines.slice(i, i + 4)).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} list dhcpservers`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 vboxnet0 --cableconnected2 on`,
      `${VBM} modifyvm fl1 --natpf1 delete ssh`,
    ]);
  });

  it('finds the adapter Windows made although hostonlyif create reported a failure', async () => {
    let lists = 0;
    const base = vbox({ version: 'version.6.1.22.txt' });
    const q = new Player((a) => {
      const k = a.join(' ');
      // the adapter that appears is played from another Windows host's recorded listing (vagrant#13620)
      if (k === 'list hostonlyifs') return { stdout: lists++ === 0 ? '' : fx('list-hostonlyifs.windows.txt') };
      if (k === 'hostonlyif create') return { stderr: fx('hostonlyif-create.failed.stderr'), code: 1 };
      return base.respond(a);
    });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx());
    const i = q.lines.indexOf(`${VBM} hostonlyif create`);
    expect(q.lines.slice(i, i + 3)).toEqual([
      `${VBM} hostonlyif create`,
      `${VBM} list hostonlyifs`,
      `${VBM} hostonlyif ipconfig VirtualBox Host-Only Ethernet Adapter --ip 192.168.99.1 --netmask 255.255.255.0`,
    ]);
  });

  it('a hung VBoxManage call ends with a message instead of blocking the queue forever', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : a[0] === 'showvminfo' ? { stdout: 'VMState="running"\n' } : { code: -1, timedOut: true }));
    const d = createVirtualBoxDriver(deps(p));
    await expect(d.kill({ vm: 'fl1' }, ctx())).rejects.toThrow('VBoxManage controlvm fl1 poweroff did not answer within 600 s: VirtualBox may be hung');
  });

  it('treats "error:" on stderr as a failure even with exit code 0', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : { stderr: fx('unregistervm.notfound.stderr'), code: 0 }));
    const d = createVirtualBoxDriver(deps(p));
    expect(await d.state({ vm: 'unknown' })).toBe('not-found');
    await expect(d.kill({ vm: 'unknown' }, ctx())).rejects.toThrow('VirtualBox has no VM named unknown');
  });

  it('refuses several adapters with one address (docker/machine\'s hand-written layout)', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.two.handwritten.txt', dhcpservers: 'list-dhcpservers.vbox5.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox has several host-only adapters with the address 192.168.99.1 (vboxnet0, vboxnet1): remove the extra ones in VirtualBox\'s Host Network Manager',
    );
    expect(p.lines).not.toContain(`${VBM} hostonlyif create`);
  });

  it('refuses adapters Windows gave one name (recorded docker/machine#2624 listing): VBoxManage could not tell them apart', async () => {
    const p = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.same-name.windows.txt' });
    const d = createVirtualBoxDriver(deps(p, { hostInterfaces: () => ({}) }));
    await expect(d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.99.1/24' }), ctx())).rejects.toThrow(
      'VirtualBox lists several host-only adapters named "VirtualBox NDIS 6.0 Miniport Driver" (192.168.99.1, 192.168.56.1), and VBoxManage cannot tell them apart: remove them in VirtualBox\'s Host Network Manager',
    );
    const i = p.lines.indexOf(`${VBM} list hostonlyifs`);
    // nothing made on the network side; the VM and its disk are removed again
    expect(p.lines.slice(i)).toEqual([`${VBM} list hostonlyifs`, `${VBM} controlvm fl1 poweroff`, `${VBM} closemedium disk ${stand.dir}/disk.vdi --delete`, `${VBM} unregistervm fl1 --delete`]);
  });

  it('Windows: reuses the recorded adapter (192.168.56.3) and its enabled DHCP server, and removes the orphan server of a deleted adapter', async () => {
    const q = vbox({ version: 'version.6.1.22.txt', hostonlyifs: 'list-hostonlyifs.windows.txt', dhcpservers: 'list-dhcpservers.windows.txt' });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.56.3/24' }), ctx());
    const hostOnlySteps = q.lines.slice(q.lines.indexOf(`${VBM} list hostonlyifs`), q.lines.indexOf(`${VBM} modifyvm fl1 --natpf1 delete ssh`));
    expect(hostOnlySteps).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} list dhcpservers`,
      `${VBM} dhcpserver remove --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 VirtualBox Host-Only Ethernet Adapter --cableconnected2 on`,
    ]);
  });

  it('Windows: hostonlyif create prints its progress on stderr (recorded toolbox#252) and that is not a failure', async () => {
    const base = vbox({ version: 'version.6.1.22.txt' });
    const q = new Player((a) => {
      const k = a.join(' ');
      if (k === 'list hostonlyifs') return { stdout: fx('list-hostonlyifs.windows.txt') };
      if (k === 'list dhcpservers') return { stdout: fx('list-dhcpservers.windows.txt') };
      if (k === 'hostonlyif create') return { stdout: fx('hostonlyif-create.windows.txt'), stderr: fx('hostonlyif-create.windows.progress.stderr') };
      return base.respond(a);
    });
    const d = createVirtualBoxDriver(deps(q, { hostInterfaces: () => ({}) }));
    await d.create(spec({ 'virtualbox-hostonly-cidr': '192.168.57.1/24' }), ctx());
    const hostOnlySteps = q.lines.slice(q.lines.indexOf(`${VBM} list hostonlyifs`), q.lines.indexOf(`${VBM} modifyvm fl1 --natpf1 delete ssh`));
    expect(hostOnlySteps).toEqual([
      `${VBM} list hostonlyifs`,
      `${VBM} hostonlyif create`,
      `${VBM} hostonlyif ipconfig VirtualBox Host-Only Ethernet Adapter #3 --ip 192.168.57.1 --netmask 255.255.255.0`,
      `${VBM} list dhcpservers`,
      `${VBM} dhcpserver remove --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #2`,
      `${VBM} dhcpserver add --netname HostInterfaceNetworking-VirtualBox Host-Only Ethernet Adapter #3 --ip 192.168.57.2 --netmask 255.255.255.0 --lowerip 192.168.57.100 --upperip 192.168.57.254 --enable`,
      `${VBM} modifyvm fl1 --nic2 hostonly --nictype2 82540EM --nicpromisc2 deny --hostonlyadapter2 VirtualBox Host-Only Ethernet Adapter #3 --cableconnected2 on`,
    ]);
  });

  it('creates a legacy boot2docker VM from the magic userdata disk', async () => {
    const iso = path.join(stand.dir, 'cached-b2d.iso');
    await fs.writeFile(iso, 'iso');
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { obtainImage: async () => iso }));
    await d.create(spec({ 'virtualbox-boot-image': 'boot2docker', 'virtualbox-disk-size': 64 }), ctx());
    const i = p.lines.indexOf(`${VBM} storagectl fl1 --name SATA --add sata --hostiocache on`);
    expect(p.lines.slice(i + 1, i + 4)).toEqual([
      `${VBM} convertfromraw ${stand.dir}/userdata.raw ${stand.dir}/disk.vmdk --format VMDK`,
      `${VBM} storageattach fl1 --storagectl SATA --port 0 --device 0 --type dvddrive --medium ${stand.dir}/boot2docker.iso`,
      `${VBM} storageattach fl1 --storagectl SATA --port 1 --device 0 --type hdd --medium ${stand.dir}/disk.vmdk`,
    ]);
    expect(p.lines[3]).toContain('--boot1 dvd --boot2 disk');
    await expect(fs.stat(path.join(stand.dir, 'userdata.raw'))).rejects.toThrow(); // the raw image is removed after conversion
  });

  it('stops with the ACPI button, then powers off after the timeout', async () => {
    const p = new Player((a) => {
      if (a[0] === '--version') return { stdout: fx('version.7.1.8.txt') };
      if (a[0] === 'showvminfo') return { stdout: 'VMState="running"\n' }; // the guest ignores ACPI
      return undefined;
    });
    let slept = 0;
    const d = createVirtualBoxDriver(deps(p, { sleep: async (ms) => void (slept += ms), timeouts: { stopMs: 0, ipMs: 1, pollMs: 1 } }));
    await d.stop({ vm: 'fl1' }, ctx());
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 acpipowerbutton`, `${VBM} controlvm fl1 poweroff`]);
  });

  it('stops cleanly when the guest obeys ACPI; kill powers off; remove powers off then unregisters with --delete', async () => {
    const p = vbox({ existing: true });
    const d = createVirtualBoxDriver(deps(p));
    const data = { vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40022 };
    await d.start(data, ctx());
    p.lines = [];
    await d.stop(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 acpipowerbutton`, `${VBM} showvminfo fl1 --machinereadable`]);
    await d.start(data, ctx());
    p.lines = [];
    await d.kill(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`]);
    await d.start(data, ctx());
    p.lines = [];
    await d.remove(data, ctx());
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`, `${VBM} unregistervm fl1 --delete`]);
    p.lines = [];
    await d.remove(data, ctx()); // already gone: nothing to do
    expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`]);
    expect(await d.state(data)).toBe('not-found');
  });

  describe('rm after an interrupted create (a record with no driver data: the VM is found by the machine name)', () => {
    it('killed while the VM was booting: powers it off and unregisters it with --delete', async () => {
      const p = vbox({ existing: true });
      const d = createVirtualBoxDriver(deps(p));
      await d.start({ vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40022 }, ctx()); // what the killed create got to
      p.lines = [];
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} showvminfo fl1 --machinereadable`, `${VBM} controlvm fl1 poweroff`, `${VBM} unregistervm fl1 --delete`]);
      expect(await d.state({ vm: 'fl1' })).toBe('not-found');
    });

    it('killed after the disk was cloned but before it was attached: unregisters the VM, then closes and deletes the disk', async () => {
      const p = vbox({ existing: true });
      const disk = path.join(stand.dir, 'disk.vdi');
      const d = createVirtualBoxDriver(deps(p, { exists: async (f) => f === VBM || f === disk }));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`, `${VBM} unregistervm fl1 --delete`, `${VBM} closemedium disk ${disk} --delete`]);
    });

    it('killed before createvm: nothing exists, and rm succeeds after one question', async () => {
      const p = vbox();
      const d = createVirtualBoxDriver(deps(p));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
    });

    it('VirtualBox not installed: nothing can have been made, and rm succeeds without a command', async () => {
      const p = vbox();
      const d = createVirtualBoxDriver(deps(p, { exists: async () => false }));
      await d.remove({}, ctx());
      expect(p.lines).toEqual([]);
      await expect(d.remove({ vm: 'fl1' }, ctx())).rejects.toThrow(/VBoxManage was not found/);
    });
  });

  it('restart = stop then start with the saved SSH port; state comes from showvminfo', async () => {
    const p = vbox({ existing: true, hostonlyifs: 'list-hostonlyifs.vbox61.txt' });
    const d = createVirtualBoxDriver(deps(p));
    const data: Record<string, unknown> = { vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', sshPort: 40100 };
    expect(await d.state(data)).toBe('stopped');
    await d.start(data, ctx());
    p.lines = [];
    const ep = await d.restart(data, ctx());
    expect(ep.ssh.port).toBe(40100);
    expect(p.lines).toEqual([
      `${VBM} showvminfo fl1 --machinereadable`,
      `${VBM} controlvm fl1 acpipowerbutton`,
      `${VBM} showvminfo fl1 --machinereadable`,
      ...hostOnlyStartLines(40100),
    ]);
    expect(await d.state(data)).toBe('running');
  });
});

describe('options and prerequisites', () => {
  it('finds a stand-in VBoxManage on PATH (a player of a recorded --version) through the real runner', async () => {
    const bin = path.join(stand.dir, 'bin');
    await fs.mkdir(bin);
    const script = path.join(bin, 'VBoxManage');
    await fs.writeFile(script, `#!/bin/sh\ncase "$1" in --version) cat '${path.join(FIX, 'version.7.1.8.txt')}' ;; *) echo "not recorded: $*" >&2; exit 1 ;; esac\n`, { mode: 0o755 });
    const d = createVirtualBoxDriver({ platform: 'linux', env: { PATH: `${bin}:/usr/bin:/bin` }, readFile: async () => 'flags\t\t: vmx\n' });
    const pre = await d.prerequisites();
    expect(pre.slice(0, 2)).toEqual([
      { name: 'VBoxManage installed', ok: true, detail: `VBoxManage at ${script} (found via PATH)` },
      { name: 'VirtualBox version', ok: true, detail: 'VirtualBox 7.1.8r168469' },
    ]);
  });

  it('refuses Apple silicon at once (no host-only adapters there)', async () => {
    const p = vbox();
    const d = createVirtualBoxDriver(deps(p, { platform: 'darwin', arch: 'arm64', exists: async (f) => f === '/Applications/VirtualBox.app/Contents/MacOS/VBoxManage', env: { PATH: '' } }));
    await expect(d.create(spec(), ctx())).rejects.toThrow(/use the qemu driver on this Mac/);
    expect(p.lines).toEqual(['/Applications/VirtualBox.app/Contents/MacOS/VBoxManage --version']);
  });

  it('lists docker-machine style flags', () => {
    const flags = createVirtualBoxDriver(deps(new Player(() => undefined))).options().map((o) => o.flag);
    expect(flags).toEqual(expect.arrayContaining(['virtualbox-cpu-count', 'virtualbox-memory', 'virtualbox-disk-size', 'virtualbox-hostonly-cidr', 'virtualbox-boot2docker-url', 'virtualbox-no-vtx-check']));
  });
  it('reads the version from the last line when a wrapper prints more (recorded minikube#9210 output, which minikube refused)', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.6.1.14.extra-line.txt') } : undefined));
    const pre = await createVirtualBoxDriver(deps(p)).prerequisites();
    expect(pre[1]).toEqual({ name: 'VirtualBox version', ok: true, detail: 'VirtualBox 6.1.14r140239' });
    expect(p.lines).toEqual([`${VBM} --version`]);
  });
  it('reports installed, version and virtualization', async () => {
    const pre = await createVirtualBoxDriver(deps(vbox())).prerequisites();
    expect(pre.map((c) => [c.name, c.ok])).toEqual([['VBoxManage installed', true], ['VirtualBox version', true], ['virtualization enabled', true]]);
    expect(pre[1]!.detail).toBe('VirtualBox 7.1.8r168469');
  });
});

describe('machine set (resize, the VM stopped): exact command lines', () => {
  const change = (c: { cpus?: number; memoryMb?: number; diskGb?: number }) => ({ ...c, current: { cpus: 2, memoryMb: 2048, diskGb: 20 } });
  const data = (bootImage: 'cloud' | 'boot2docker') => ({ vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', bootImage });
  it('modifyvm for CPUs and memory in one line, then modifymedium --resize for the cloud image\'s VDI (MB)', async () => {
    const p = vbox({ existing: true });
    const d = createVirtualBoxDriver(stand.deps(p));
    const r = await d.resize!(data('cloud'), change({ cpus: 4, memoryMb: 4096, diskGb: 40 }), stand.ctx());
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} modifyvm fl1 --cpus 4 --memory 4096`, `${VBM} modifymedium disk ${stand.dir}/disk.vdi --resize 40960`]);
    expect(r.notes).toEqual(['the disk of fl1 is 40 GB; the guest grows its root file system to it at the next start (cloud-init growpart)']);
    expect(d.resizeLive).toBeFalsy();
  });
  it('changes only what is given', async () => {
    const p = vbox({ existing: true });
    await createVirtualBoxDriver(stand.deps(p)).resize!(data('cloud'), change({ cpus: 1 }), stand.ctx());
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} modifyvm fl1 --cpus 1`]);
  });
  it('refuses to grow a boot2docker VMDK before changing anything, naming what to do', async () => {
    const p = vbox({ existing: true });
    await expect(createVirtualBoxDriver(stand.deps(p)).resize!(data('boot2docker'), change({ memoryMb: 4096, diskGb: 40 }), stand.ctx())).rejects.toThrow('the disk of fl1 is a boot2docker VMDK, which VBoxManage cannot resize: leave out --disk');
    expect(p.lines.filter((l) => !l.endsWith('--version'))).toEqual([]);
  });
  it('a VBoxManage failure comes back with its message (recorded "error:" stderr)', async () => {
    const p = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : { stderr: fx('unregistervm.notfound.stderr'), code: 1 }));
    await expect(createVirtualBoxDriver(stand.deps(p)).resize!(data('cloud'), change({ cpus: 4 }), stand.ctx())).rejects.toThrow('VirtualBox has no VM named fl1');
  });
});

describe('address: where a running VM is now (docker-machine GetIP), asked once at the next contact', () => {
  // showvminfo's recorded NIC section with the MAC of the VM whose `ip addr` is played (the two were recorded on different VMs)
  const vm = (mac: string, state: string) =>
    new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : a[0] === 'showvminfo' ? { stdout: fx('showvminfo.hostonly-mac.txt').replace('macaddress2="08002765B2F2"', `macaddress2="${mac}"`) + `VMState="${state}"\n` } : undefined));
  const data = () => ({ vm: 'fl1', hostOnlyCidr: '192.168.59.1/24', hostOnlyAdapter: 'vboxnet12', sshPort: 40022, bootImage: 'cloud', ip: '192.168.99.100' });

  it('running: the host-only MAC from showvminfo, `ip addr show` through the NAT forward, the IPv4 on that NIC (recorded 192.168.99.101)', async () => {
    const p = vm('080027B647FD', 'running');
    const d = data();
    const ep = await createVirtualBoxDriver(deps(p)).address!(d, ctx());
    expect(p.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
    expect(stand.sshCalls).toEqual(['docker@127.0.0.1:40022 ip addr show']);
    expect(ep).toEqual({ ip: '192.168.99.101', ssh: { host: '127.0.0.1', port: 40022, user: 'docker' }, docker: { host: '192.168.99.101', port: 2376 } });
    expect(d.ip).toBe('192.168.99.101');
  });

  it('no IPv4 on the host-only NIC yet (recorded docker/machine#1346 answer: only its link-local IPv6): no address, the data unchanged', async () => {
    const p = vm('080027389636', 'running');
    const d = data();
    const drv = createVirtualBoxDriver(deps(p, { sshExec: async (t, cmd) => (stand.sshCalls.push(`${t.user}@${t.host}:${t.port} ${cmd}`), fx('ip-addr.eth1-no-ipv4.txt')) }));
    expect(await drv.address!(d, ctx())).toBeUndefined();
    expect(stand.sshCalls).toEqual(['docker@127.0.0.1:40022 ip addr show']);
    expect(d.ip).toBe('192.168.99.100');
  });

  it('a stopped VM, or one VirtualBox no longer has (recorded VBOX_E_OBJECT_NOT_FOUND), has no address and is not asked over SSH', async () => {
    const stopped = vm('080027B647FD', 'poweroff');
    expect(await createVirtualBoxDriver(deps(stopped)).address!(data(), ctx())).toBeUndefined();
    expect(stopped.lines).toEqual([`${VBM} --version`, `${VBM} showvminfo fl1 --machinereadable`]);
    const gone = new Player((a) => (a[0] === '--version' ? { stdout: fx('version.7.1.8.txt') } : { stderr: fx('unregistervm.notfound.stderr'), code: 1 }));
    expect(await createVirtualBoxDriver(deps(gone)).address!(data(), ctx())).toBeUndefined();
    expect(stand.sshCalls).toEqual([]);
  });

  it('SSH refused while the guest boots: the error comes back (the core keeps the recorded address and logs it)', async () => {
    const p = vm('080027B647FD', 'running');
    const drv = createVirtualBoxDriver(deps(p, { sshExec: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:40022')) }));
    await expect(drv.address!(data(), ctx())).rejects.toThrow('ECONNREFUSED');
  });
});
