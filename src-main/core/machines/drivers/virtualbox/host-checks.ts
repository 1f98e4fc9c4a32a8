// Can this computer run VirtualBox VMs at all: VT-x/AMD-V enabled, and (on Windows) no hypervisor already running under it.
import type { Runner } from '../../boot/runner.js';
import type { PrerequisiteCheck } from '../types.js';

/** Is hardware virtualization usable for VirtualBox? Returns [checks], each with remedies. */
export async function virtualizationChecks(platform: NodeJS.Platform, runner: Runner, readFile: (file: string) => Promise<string>): Promise<PrerequisiteCheck[]> {
  const checks: PrerequisiteCheck[] = [];
  if (platform === 'win32') {
    const script =
      '$cs = Get-CimInstance -ClassName Win32_ComputerSystem; $p = Get-CimInstance -ClassName Win32_Processor | Select-Object -First 1; ConvertTo-Json -Compress @{ HypervisorPresent = $cs.HypervisorPresent; VirtualizationFirmwareEnabled = $p.VirtualizationFirmwareEnabled }';
    const r = await runner.run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
    let j: { HypervisorPresent?: boolean; VirtualizationFirmwareEnabled?: boolean } = {};
    try {
      j = JSON.parse(r.stdout) as typeof j;
    } catch {
      checks.push({ name: 'virtualization enabled', ok: false, detail: `could not ask Windows (Get-CimInstance): ${(r.stderr || r.stdout).trim().slice(0, 200)}`, remedy: 'check that PowerShell works, or pass --virtualbox-no-vtx-check' });
      return checks;
    }
    checks.push(
      j.HypervisorPresent
        ? { name: 'Hyper-V not running', ok: false, detail: 'the Windows hypervisor is running (Win32_ComputerSystem.HypervisorPresent is true); VirtualBox VMs fail or crawl on top of it', remedy: 'run `bcdedit /set hypervisorlaunchtype off` as administrator and reboot (also turn off Memory Integrity), or use the hyperv driver; --virtualbox-no-vtx-check skips this check' }
        : { name: 'Hyper-V not running', ok: true, detail: 'no hypervisor is running under Windows' },
    );
    if (!j.HypervisorPresent)
      checks.push(
        j.VirtualizationFirmwareEnabled
          ? { name: 'virtualization enabled', ok: true, detail: 'VT-x/AMD-V is enabled in the firmware' }
          : { name: 'virtualization enabled', ok: false, detail: 'VT-x/AMD-V is disabled in the firmware (Win32_Processor.VirtualizationFirmwareEnabled is false)', remedy: 'enable Intel VT-x or AMD-V (SVM) in the BIOS/UEFI settings' },
      );
  } else if (platform === 'linux') {
    const info = await readFile('/proc/cpuinfo').catch(() => '');
    const ok = /^flags\s*:.*\b(vmx|svm)\b/m.test(info);
    checks.push(
      ok
        ? { name: 'virtualization enabled', ok: true, detail: 'the CPU reports VT-x/AMD-V (vmx/svm in /proc/cpuinfo)' }
        : { name: 'virtualization enabled', ok: false, detail: 'the CPU reports neither vmx nor svm in /proc/cpuinfo', remedy: 'enable VT-x/AMD-V in the BIOS/UEFI settings (or nested virtualization when this is itself a VM)' },
    );
  } else if (platform === 'darwin') {
    const r = await runner.run('sysctl', ['-n', 'kern.hv_support']);
    const ok = r.stdout.trim() === '1';
    checks.push(ok ? { name: 'virtualization enabled', ok: true, detail: 'kern.hv_support is 1' } : { name: 'virtualization enabled', ok: false, detail: 'kern.hv_support is not 1', remedy: 'this Mac cannot run hardware-assisted VMs' });
  }
  return checks;
}
