// The Hyper-V driver against PowerShell answers recorded in public docker-machine/minikube logs (test/fixtures/hyperv,
// provenance in SOURCE.md; the *.constructed.* files are not recordings): exact command lines, switch choice,
// failures and timeouts. The recorded-answer harness is hyperv.harness.ts; machine set is hyperv-resize.spec.ts.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createHyperVDriver, psq, MODULE_MISSING, NOT_ADMIN, QEMU_IMG_MISSING, VMMS_UNREACHABLE } from './driver.js';
import { chooseSwitch, firstIPv4, parseBool, parseState, parseStrings, parseSwitches } from './parse.js';
import { ctx, deps, dir, fx, GETVM, IPS, IS_ADMIN, IS_HVADMIN, line, MODULE, Player, spec, sshCalls, SWITCHES, useHyperVHarness, type World } from './hyperv.harness.js';

useHyperVHarness();


describe('parsers', () => {
  it('reads the recorded module, role and state answers', () => {
    expect(parseStrings(fx('get-module.recorded.txt'))).toEqual(['Hyper-V']);
    expect(parseStrings('')).toEqual([]);
    expect(parseBool(fx('isinrole-578.recorded.txt'))).toBe(false);
    expect(parseBool('True\r\n')).toBe(true);
    expect(parseState(fx('get-vm-state.running.recorded.txt'))).toBe('Running');
    expect(parseState(fx('get-vm-state.off.recorded.txt'))).toBe('Off');
    expect(parseState('')).toBe('');
  });
  it('reads the recorded ConvertTo-Json of Get-VMSwitch: pretty-printed, SwitchType as the enum number', () => {
    expect(parseSwitches(fx('switches.default.recorded.json'))).toEqual([{ id: 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444', name: 'Default Switch', type: 'Internal' }]);
    expect(parseSwitches(fx('switches.default-and-external.constructed.json')).map((x) => x.type)).toEqual(['Internal', 'External']);
    expect(parseSwitches('[{"Name":"x","SwitchType":"Private"}]')).toEqual([{ name: 'x', type: 'Private' }]); // PowerShell 7 -EnumsAsStrings form
    expect(parseSwitches('')).toEqual([]);
  });
  it('skips link-local IPv6 (and 169.254) when looking for the IPv4', () => {
    expect(firstIPv4(parseStrings(fx('ipaddresses.ipv6.recorded.txt')))).toBeUndefined();
    expect(firstIPv4(parseStrings(fx('ipaddresses.ipv4.recorded.txt')))).toBe('10.0.75.128');
    expect(firstIPv4(parseStrings(fx('ipaddresses.ipv6-then-ipv4.constructed.txt')))).toBe('10.0.75.128');
    expect(firstIPv4(['169.254.10.2', '10.0.0.9'])).toBe('10.0.0.9');
  });
});

describe('psq: PowerShell single-quoted strings', () => {
  // PowerShell's tokenizer treats ' and U+2018..U+201B alike as single quotes: each must be doubled inside '...'
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it''s'"],
    ['a\u2018b', "'a\u2018\u2018b'"],
    ['a\u2019b', "'a\u2019\u2019b'"],
    ['a\u201Ab', "'a\u201A\u201Ab'"],
    ['a\u201Bb', "'a\u201B\u201Bb'"],
    ["x\u2019; Remove-Item C:\\ -Recurse; \u2018", "'x\u2019\u2019; Remove-Item C:\\ -Recurse; \u2018\u2018'"],
    ['"$(calc)" `n', "'\"$(calc)\" `n'"],
    ['', "''"],
  ])('%j -> %j', (input, quoted) => {
    expect(psq(input)).toBe(quoted);
  });
  it('leaves no single quote class character undoubled (every run of them inside has even length)', () => {
    const all = "'\u2018\u2019\u201A\u201B";
    const q = psq(`a${all}b${all}${all}c`);
    const inner = q.slice(1, -1);
    for (const run of inner.match(/['\u2018-\u201B]+/g) ?? []) expect(run.length % 2).toBe(0);
  });
});

describe('switch choice', () => {
  const all = parseSwitches(fx('switches.default-and-external.constructed.json'));
  it('prefers the Default Switch, then External, or takes the named one', () => {
    expect(chooseSwitch(all)).toMatchObject({ ok: true, sw: { name: 'Default Switch' } });
    expect(chooseSwitch(parseSwitches(fx('switches.default.recorded.json')))).toMatchObject({ ok: true, sw: { name: 'Default Switch' } });
    expect(chooseSwitch(parseSwitches(fx('switches.external-only.constructed.json')))).toMatchObject({ ok: true, sw: { name: 'minishift' } });
    expect(chooseSwitch(all, 'ExternalSwitch')).toMatchObject({ ok: true, sw: { name: 'ExternalSwitch' } });
  });
  it('an unknown name lists the switches', () => {
    expect(chooseSwitch(all, 'Primary Virtual Switch')).toEqual({
      ok: false,
      message:
        'Hyper-V virtual switch "Primary Virtual Switch" was not found; the switches here are: "Default Switch" (Internal), "ExternalSwitch" (External). Pass one of them with --hyperv-virtual-switch, or create it in Hyper-V Manager (Virtual Switch Manager)',
    });
  });
});

describe('create, start, stop, kill, remove: exact command lines', () => {
  it('creates a Generation 2 VM from the cloud image on the Default Switch and finds its IPv4', async () => {
    const p = new Player({ ips: ['ipaddresses.ipv6.recorded.txt', 'ipaddresses.ipv6-then-ipv4.constructed.txt'] });
    const d = createHyperVDriver(deps(p, { timeouts: { startMs: 0, ipMs: 60_000, stopMs: 1, pollMs: 1 } }));
    const { endpoint, data } = await d.create(spec(), ctx());
    expect(p.lines).toEqual(
      [
        MODULE,
        IS_HVADMIN,
        IS_ADMIN,
        SWITCHES,
        GETVM('fl1'),
        'QEMU',
        `Hyper-V\\Convert-VHD -Path 'C:/cache/noble.vhdx' -DestinationPath '${dir}/disk.vhdx' -VHDType Dynamic`,
        `Hyper-V\\Resize-VHD -Path '${dir}/disk.vhdx' -SizeBytes 20480MB`,
        `Hyper-V\\New-VM -Name 'fl1' -Path '${dir}' -Generation 2 -SwitchName 'Default Switch' -MemoryStartupBytes 2048MB -NoVHD`,
        `Hyper-V\\Set-VMMemory -VMName 'fl1' -DynamicMemoryEnabled $false`,
        `Hyper-V\\Set-VMProcessor -VMName 'fl1' -Count 2`,
        `Hyper-V\\Set-VMFirmware -VMName 'fl1' -EnableSecureBoot Off`,
        `Hyper-V\\Add-VMHardDiskDrive -VMName 'fl1' -Path '${dir}/disk.vhdx'`,
        `Hyper-V\\Add-VMDvdDrive -VMName 'fl1' -Path '${dir}/seed.iso'`,
        `Hyper-V\\Set-VMFirmware -VMName 'fl1' -FirstBootDevice (Hyper-V\\Get-VMHardDiskDrive -VMName 'fl1')`,
        GETVM('fl1'),
        `Hyper-V\\Start-VM -Name 'fl1'`,
        GETVM('fl1'),
        IPS('fl1'),
        IPS('fl1'),
      ].map((c) => (c === 'QEMU' ? 'qemu-img --version' : line(c))), // the default image is qcow2: qemu-img is checked before the download
    );
    expect(endpoint).toEqual({ ip: '10.0.75.128', ssh: { host: '10.0.75.128', port: 22, user: 'docker' }, docker: { host: '10.0.75.128', port: 2376 } });
    expect(data).toMatchObject({ vm: 'fl1', switchName: 'Default Switch', bootImage: 'cloud' });
    expect(sshCalls).toEqual(['docker@10.0.75.128:22 cloud-init status --wait >/dev/null 2>&1; docker --version']);
    const ud = (await fs.readFile(path.join(dir, 'seed.iso'))).toString('latin1');
    expect(ud).toContain('hv-kvp-daemon');
  });

  it('uses the named switch and the legacy boot2docker layout (New-VHD, Set-VMDvdDrive, Generation 1)', async () => {
    const iso = path.join(dir, 'b2d-cache.iso');
    await fs.writeFile(iso, 'iso');
    const written: string[] = [];
    const p = new Player({ switches: fx('switches.default-and-external.constructed.json'), ips: ['ipaddresses.ipv4.recorded.txt'] });
    const d = createHyperVDriver(deps(p, { obtainImage: async () => iso, writeAtStart: async (f, b) => void written.push(`${f}:${b.length}`), timeouts: { startMs: 0, ipMs: 0, stopMs: 1, pollMs: 1 } }));
    await d.create(spec({ 'hyperv-virtual-switch': 'ExternalSwitch', 'hyperv-boot-image': 'boot2docker', 'hyperv-memory': 1024, 'hyperv-cpu-count': 1, 'hyperv-disk-size': 20000 }), ctx());
    expect(p.lines.slice(5, 14)).toEqual(
      [
        `Hyper-V\\New-VHD -Path '${dir}/fixed.vhd' -SizeBytes 10MB -Fixed`,
        `Hyper-V\\Convert-VHD -Path '${dir}/fixed.vhd' -DestinationPath '${dir}/disk.vhd' -VHDType Dynamic -DeleteSource`,
        `Hyper-V\\Resize-VHD -Path '${dir}/disk.vhd' -SizeBytes 20000MB`,
        `Hyper-V\\New-VM -Name 'fl1' -Path '${dir}' -Generation 1 -SwitchName 'ExternalSwitch' -MemoryStartupBytes 1024MB -NoVHD`,
        `Hyper-V\\Set-VMMemory -VMName 'fl1' -DynamicMemoryEnabled $false`,
        `Hyper-V\\Set-VMProcessor -VMName 'fl1' -Count 1`,
        `Hyper-V\\Set-VMDvdDrive -VMName 'fl1' -Path '${dir}/boot2docker.iso'`,
        `Hyper-V\\Add-VMHardDiskDrive -VMName 'fl1' -Path '${dir}/disk.vhd'`,
        GETVM('fl1'),
      ].map(line),
    );
    expect(written).toEqual([`${dir}/fixed.vhd:3584`]);
  });

  it('stop asks the guest, then turns off after the timeout; kill turns off; remove turns off and removes', async () => {
    const w: World = { vm: 'Running', stopHangs: true };
    const p = new Player(w);
    const d = createHyperVDriver(deps(p));
    await d.stop({ vm: 'fl1' }, ctx());
    expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Stop-VM -Name 'fl1' -Force`, `Hyper-V\\Stop-VM -Name 'fl1' -TurnOff`].map(line));
    w.vm = 'Running';
    p.lines = [];
    await d.kill({ vm: 'fl1' }, ctx());
    expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Stop-VM -Name 'fl1' -TurnOff`].map(line));
    w.vm = 'Running';
    p.lines = [];
    await fs.writeFile(path.join(dir, 'disk.vhdx'), 'x');
    await d.remove({ vm: 'fl1' }, ctx());
    expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Stop-VM -Name 'fl1' -TurnOff`, `Hyper-V\\Remove-VM -Name 'fl1' -Force`].map(line));
    await expect(fs.stat(path.join(dir, 'disk.vhdx'))).rejects.toThrow();
    expect(await d.state({ vm: 'fl1' })).toBe('not-found');
  });

  describe('rm after an interrupted create (a record with no driver data: VM and files found by the machine name and folder)', () => {
    it('killed while the VM was booting: Stop-VM -TurnOff, Remove-VM, and the VHDX and seed ISO deleted', async () => {
      const p = new Player({ vm: 'Running' });
      const d = createHyperVDriver(deps(p));
      for (const f of ['disk.vhdx', 'seed.iso']) await fs.writeFile(path.join(dir, f), 'x');
      await d.remove({}, ctx());
      expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Stop-VM -Name 'fl1' -TurnOff`, `Hyper-V\\Remove-VM -Name 'fl1' -Force`].map(line));
      for (const f of ['disk.vhdx', 'seed.iso']) await expect(fs.stat(path.join(dir, f))).rejects.toThrow();
    });

    it('killed after the boot2docker disks were made, before New-VM: no VM (recorded not-found), the VHD and ISO deleted', async () => {
      const p = new Player({ vm: 'absent' });
      const d = createHyperVDriver(deps(p));
      for (const f of ['fixed.vhd', 'disk.vhd', 'boot2docker.iso']) await fs.writeFile(path.join(dir, f), 'x');
      await d.remove({}, ctx());
      expect(p.lines).toEqual([GETVM('fl1')].map(line));
      for (const f of ['fixed.vhd', 'disk.vhd', 'boot2docker.iso']) await expect(fs.stat(path.join(dir, f))).rejects.toThrow();
    });

    it('nothing exists: one question, and rm succeeds; off Windows it succeeds without a command', async () => {
      const p = new Player({ vm: 'absent' });
      await createHyperVDriver(deps(p)).remove({}, ctx());
      expect(p.lines).toEqual([GETVM('fl1')].map(line));
      const q = new Player({ vm: 'absent' });
      await createHyperVDriver(deps(q, { platform: 'linux' })).remove({}, ctx());
      expect(q.lines).toEqual([]);
    });
  });

  it('start on a stopped VM: Start-VM, wait for Running, then the IPv4; restart = stop + start', async () => {
    const w: World = { vm: 'Off', ips: ['ipaddresses.ipv4.recorded.txt', 'ipaddresses.ipv4.recorded.txt'] };
    const p = new Player(w);
    const d = createHyperVDriver(deps(p));
    const data = { vm: 'fl1', switchName: 'Default Switch' };
    expect(await d.state(data)).toBe('stopped');
    p.lines = [];
    const ep = await d.start(data, ctx());
    expect(ep.ip).toBe('10.0.75.128');
    expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Start-VM -Name 'fl1'`, GETVM('fl1'), IPS('fl1')].map(line));
    p.lines = [];
    await d.restart(data, ctx());
    expect(p.lines).toEqual([GETVM('fl1'), `Hyper-V\\Stop-VM -Name 'fl1' -Force`, GETVM('fl1'), `Hyper-V\\Start-VM -Name 'fl1'`, GETVM('fl1'), IPS('fl1')].map(line));
  });
});

describe('switch fallback: exact command lines', () => {
  it('without a Default Switch, New-VM is given the first External switch (recorded minishift External switch)', async () => {
    const p = new Player({ switches: fx('switches.external-only.constructed.json'), ips: ['ipaddresses.ipv4.recorded.txt'] });
    const d = createHyperVDriver(deps(p, { obtainImage: async () => 'C:/cache/noble.vhdx' }));
    const { data } = await d.create(spec({ 'hyperv-image-url': 'https://example.invalid/noble.vhdx', 'hyperv-image-sha256': 'ab'.repeat(32) }), ctx());
    expect(p.lines.slice(0, 8)).toEqual(
      [
        MODULE,
        IS_HVADMIN,
        IS_ADMIN,
        SWITCHES,
        GETVM('fl1'),
        `Hyper-V\\Convert-VHD -Path 'C:/cache/noble.vhdx' -DestinationPath '${dir}/disk.vhdx' -VHDType Dynamic`,
        `Hyper-V\\Resize-VHD -Path '${dir}/disk.vhdx' -SizeBytes 20480MB`,
        `Hyper-V\\New-VM -Name 'fl1' -Path '${dir}' -Generation 2 -SwitchName 'minishift' -MemoryStartupBytes 2048MB -NoVHD`,
      ].map(line),
    );
    expect(data).toMatchObject({ switchName: 'minishift' });
  });
});

describe('known failures, each with its message', () => {
  it('a Hyper-V cmdlet not recognized (recorded PowerShell stderr): the module-missing message with the fix, and the VM removed', async () => {
    const p = new Player({ fail: [{ prefix: 'Hyper-V\\Resize-VHD', stderr: fx('resize-vhd.not-recognized.stderr') }] });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(MODULE_MISSING);
    expect(p.lines.at(-1)).toBe(line(`Hyper-V\\Resize-VHD -Path '${dir}/disk.vhdx' -SizeBytes 20480MB`));
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('permission denied by Hyper-V (recorded "You do not have the required permission" stderr): the administrator message with the fix', async () => {
    const p = new Player({ fail: [{ prefix: '( Hyper-V\\Get-VM ', stderr: fx('get-vm.permission.stderr') }] });
    const d = createHyperVDriver(deps(p));
    await expect(d.state({ vm: 'fl1' })).rejects.toThrow(NOT_ADMIN);
    await expect(d.create(spec(), ctx())).rejects.toThrow(NOT_ADMIN);
    expect(p.lines.at(-1)).toBe(line(GETVM('fl1')));
  });

  it('a missing VM is read from the recorded Get-VM error by its FullyQualifiedErrorId; the VMMS "object was not found" error is not taken for it', async () => {
    const p = new Player({});
    const d = createHyperVDriver(deps(p));
    expect(await d.state({ vm: 'fl1' })).toBe('not-found');
    await expect(d.kill({ vm: 'fl1' }, ctx())).rejects.toThrow('Hyper-V has no VM named fl1');
    expect(p.lines).toEqual([GETVM('fl1'), GETVM('fl1')].map(line));
    const q = new Player({ fail: [{ prefix: '( Hyper-V\\Get-VM ', stderr: fx('get-vm.vmms-object-not-found.stderr') }] });
    const d2 = createHyperVDriver(deps(q));
    await expect(d2.state({ vm: 'fl1' })).rejects.toThrow(VMMS_UNREACHABLE);
    await expect(d2.create(spec(), ctx())).rejects.toThrow(VMMS_UNREACHABLE);
    expect(q.lines.at(-1)).toBe(line(GETVM('fl1')));
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('qemu-img missing: a failed prerequisite, and create of the default (qcow2) image fails before the download', async () => {
    const p = new Player({ qemuImg: false });
    let downloads = 0;
    const d = createHyperVDriver(deps(p, { obtainImage: async () => { downloads++; return 'C:/cache/noble.img'; } }));
    expect((await d.prerequisites()).at(-1)).toEqual({ name: 'qemu-img installed', ok: false, detail: 'qemu-img not found on PATH; the default cloud image is qcow2 and must be converted to VHDX', remedy: QEMU_IMG_MISSING });
    await expect(d.create(spec(), ctx())).rejects.toThrow(`cannot use the cloud image https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img with Hyper-V: qemu-img not found on PATH; the default cloud image is qcow2 and must be converted to VHDX; ${QEMU_IMG_MISSING}`);
    expect(downloads).toBe(0);
    expect(p.lines.at(-1)).toBe('qemu-img --version');
    expect(p.lines.filter((l) => l.includes('New-VM'))).toEqual([]);
  });

  it('not Windows: create fails at once, runs nothing, leaves nothing', async () => {
    const p = new Player({});
    const d = createHyperVDriver(deps(p, { platform: 'linux' }));
    await expect(d.create(spec(), ctx())).rejects.toThrow('Hyper-V is only available on Windows (10/11 Pro, Enterprise, Education or Server): use the virtualbox or qemu driver on this computer');
    expect(p.lines).toEqual([]);
    expect(await fs.readdir(dir)).toEqual([]);
    expect((await d.prerequisites())[0]).toMatchObject({ ok: false, name: 'Hyper-V available' });
  });

  it('Hyper-V module missing', async () => {
    const p = new Player({ module: '' });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(MODULE_MISSING);
    expect(p.lines).toEqual([line(MODULE)]);
    expect(await d.prerequisites()).toEqual([expect.objectContaining({ name: 'Hyper-V module installed', ok: false, remedy: MODULE_MISSING })]);
  });

  it('not an administrator (recorded "False" for Hyper-V Administrators, then not admin either)', async () => {
    const p = new Player({ admin: 'False\r\n' });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(NOT_ADMIN);
    expect(p.lines).toEqual([MODULE, IS_HVADMIN, IS_ADMIN].map(line));
  });

  it('no usable switch: the message lists the switches and how to make one', async () => {
    const p = new Player({ switches: fx('switches.internal-only.constructed.json') });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('no usable Hyper-V virtual switch: there is no "Default Switch" and no External switch (switches here: "DockerNAT" (Internal)). Create an External switch');
    const pre = await d.prerequisites();
    expect(pre.find((c) => c.name === 'virtual switch')).toMatchObject({ ok: false, remedy: expect.stringContaining('New-VMSwitch') });
  });

  it('named switch not found', async () => {
    const p = new Player({});
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec({ 'hyperv-virtual-switch': 'nope' }), ctx())).rejects.toThrow('Hyper-V virtual switch "nope" was not found; the switches here are: "Default Switch" (Internal). Pass one of them with --hyperv-virtual-switch');
  });

  it('name taken', async () => {
    const p = new Player({ vm: 'Off' });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow('a Hyper-V VM named fl1 already exists: choose another machine name or remove that VM in Hyper-V Manager');
    expect(p.lines.at(-1)).toBe(line(GETVM('fl1')));
  });

  it('no IPv4 after the timeout (only link-local IPv6): a message, and the VM and disks are removed', async () => {
    const p = new Player({ ips: ['ipaddresses.ipv6.recorded.txt'] });
    const d = createHyperVDriver(deps(p));
    await expect(d.create(spec(), ctx())).rejects.toThrow(
      'Hyper-V VM fl1 has no IPv4 address 0 s after starting (it reports: fe80::215:5dff:fe00:603): the switch "Default Switch" may have no DHCP server or uplink',
    );
    expect(p.lines.slice(-2)).toEqual([`Hyper-V\\Stop-VM -Name 'fl1' -TurnOff`, `Hyper-V\\Remove-VM -Name 'fl1' -Force`].map(line));
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('a VM that never reaches Running times out with a message', async () => {
    const w: World = { vm: 'Off' };
    const p = new Player(w);
    const d = createHyperVDriver(deps(p));
    const orig = p.run.bind(p);
    p.run = async (cmd, args, opts) => {
      const r = await orig(cmd, args, opts);
      w.vm = 'Off'; // Start-VM "succeeds" but the VM stays off
      return r;
    };
    await expect(d.start({ vm: 'fl1', switchName: 'Default Switch' }, ctx())).rejects.toThrow('Hyper-V VM fl1 is still "stopped" 0 s after Start-VM');
  });
});

describe('options and prerequisites', () => {
  it('lists docker-machine style flags', () => {
    const flags = createHyperVDriver(deps(new Player({}))).options().map((o) => o.flag);
    expect(flags).toEqual(expect.arrayContaining(['hyperv-virtual-switch', 'hyperv-memory', 'hyperv-cpu-count', 'hyperv-disk-size', 'hyperv-boot2docker-url']));
  });
  it('reports module, rights and the switch it would use', async () => {
    const pre = await createHyperVDriver(deps(new Player({}))).prerequisites();
    expect(pre.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['Hyper-V module installed', true, 'the Hyper-V PowerShell module is available'],
      ['administrator rights', true, 'running as an administrator'],
      ['virtual switch', true, '"Default Switch" (the Default Switch (NAT with DHCP, made by Windows))'],
      ['qemu-img installed', true, 'qemu-img 7.2.22 (converts the cloud image to VHDX)'],
    ]);
  });
});
