// Known VirtualBox failures, matched in VBoxManage stderr or VBox.log, each with what to do.
import { FlotillaError, type ErrorCode } from '../../../../api/errors.js';

export interface KnownFailure {
  id: string;
  pattern: RegExp;
  code: ErrorCode;
  message: (ctx: { vm?: string; match?: RegExpExecArray }) => string;
}

const VTX_REMEDY =
  'enable Intel VT-x / AMD-V (SVM) in the BIOS/UEFI settings; on Windows also turn off Hyper-V or Memory Integrity (`bcdedit /set hypervisorlaunchtype off`, then reboot) or use the hyperv driver';

export const knownFailures: KnownFailure[] = [
  {
    id: 'hostonly-range-refused',
    pattern: /E_ACCESSDENIED[\s\S]*EnableStaticIPConfig|EnableStaticIPConfig[\s\S]*E_ACCESSDENIED/,
    code: 'PRECONDITION',
    message: () =>
      'VirtualBox refused the host-only network address (since VirtualBox 6.1.28 only 192.168.56.0/21 is allowed on Linux and macOS): use --virtualbox-hostonly-cidr 192.168.59.1/24 (or any 192.168.56.1-192.168.63.1 /24), or add the range to /etc/vbox/networks.conf, e.g. "* 192.168.99.0/24"',
  },
  {
    id: 'vtx-disabled',
    pattern: /VT-x is disabled|the host CPU does NOT support HW virtualization|VERR_VMX_UNABLE_TO_START_VM|VERR_VMX_NO_VMX|VT-x is not available|VERR_SVM_DISABLED|VERR_SVM_NO_SVM|VERR_VMX_MSR_ALL_VMX_DISABLED/,
    code: 'UNSUPPORTED',
    message: ({ vm }) => `VirtualBox could not start ${vm ?? 'the VM'} because hardware virtualization (VT-x/AMD-V) is not available: ${VTX_REMEDY}`,
  },
  {
    id: 'hyperv-in-the-way',
    pattern: /VERR_NEM_VM_CREATE_FAILED|VERR_NEM_INIT_FAILED|WinHvPlatform\.dll/,
    code: 'UNSUPPORTED',
    message: ({ vm }) =>
      `VirtualBox could not start ${vm ?? 'the VM'} on top of Hyper-V (the Windows hypervisor is running): turn Hyper-V off (\`bcdedit /set hypervisorlaunchtype off\`, reboot) or use the hyperv driver`,
  },
  {
    id: 'hostonly-adapter-missing',
    pattern: /VERR_INTNET_FLT_IF_NOT_FOUND/,
    code: 'PRECONDITION',
    message: ({ vm }) =>
      `VirtualBox cannot find the host-only network adapter of ${vm ?? 'the VM'} (VERR_INTNET_FLT_IF_NOT_FOUND): remove stale adapters in VirtualBox's Host Network Manager, reboot, and start the machine again`,
  },
  {
    id: 'kernel-driver',
    pattern: /Kernel driver not installed|VERR_VM_DRIVER_NOT_INSTALLED|VERR_VMM_R0_VERSION_MISMATCH|VERR_SUPDRV_COMPONENT_NOT_FOUND/,
    code: 'UNSUPPORTED',
    message: () =>
      'the VirtualBox kernel driver is not loaded or does not match this VirtualBox version: run `sudo /sbin/vboxconfig` (Linux) or reinstall VirtualBox, then reboot',
  },
  {
    id: 'suplib-owner',
    pattern: /VERR_SUPLIB_OWNER_NOT_ROOT|VERR_SUPLIB_WRITE_NON_SYS_GROUP/,
    code: 'PRECONDITION',
    message: () =>
      'VirtualBox refuses to start because a folder on the path to its installation is not owned by root or is group/world writable (VERR_SUPLIB_OWNER_NOT_ROOT): fix the ownership (e.g. `sudo chown root /Applications` or `/usr`) or reinstall VirtualBox',
  },
  {
    id: 'not-found',
    pattern: /Could not find a registered machine named '([^']+)'/,
    code: 'NOT_FOUND',
    message: ({ vm }) => `VirtualBox has no VM named ${vm ?? 'that'}: it was removed outside Flotilla; remove the machine from Flotilla too`,
  },
  {
    // createvm when an unregistered VM left its folder behind (VBOX_E_FILE_ERROR)
    id: 'settings-file-exists',
    pattern: /Machine settings file '([^']*)' already exists/,
    code: 'CONFLICT',
    message: ({ vm, match }) =>
      `VirtualBox cannot create ${vm ?? 'the VM'}: its settings file ${match?.[1] ? `'${match[1]}' ` : ''}already exists (left by a VM removed without its files): delete that folder, or choose another machine name`,
  },
  {
    id: 'name-taken',
    pattern: /A machine named '[^']*' already exists/,
    code: 'CONFLICT',
    message: ({ vm }) => `a VirtualBox VM named ${vm ?? 'that'} already exists: choose another machine name or remove that VM in VirtualBox`,
  },
];

export function matchFailure(text: string): KnownFailure | undefined {
  return knownFailures.find((f) => f.pattern.test(text));
}

export function failureError(text: string, vm?: string): FlotillaError | undefined {
  const f = matchFailure(text);
  if (!f) return undefined;
  const match = f.pattern.exec(text) ?? undefined;
  return new FlotillaError(f.code, f.message({ ...(vm ? { vm } : {}), ...(match ? { match } : {}) }));
}
