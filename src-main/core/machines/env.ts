// `machine env`: the shell lines that point the docker CLI at a machine (or unset them with -u).
import type { Shell } from '../../api/domains/machines';

export interface EnvValues {
  DOCKER_TLS_VERIFY: string;
  DOCKER_HOST: string;
  DOCKER_CERT_PATH: string;
  DOCKER_MACHINE_NAME: string;
}

const KEYS: Array<keyof EnvValues> = ['DOCKER_TLS_VERIFY', 'DOCKER_HOST', 'DOCKER_CERT_PATH', 'DOCKER_MACHINE_NAME'];

function quoteBash(v: string): string {
  return `"${v.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function renderEnv(shell: Shell, v: EnvValues, machineName: string, program = 'flotilla'): string {
  const lines = KEYS.map((k) => {
    const val = v[k];
    switch (shell) {
      case 'bash':
        return `export ${k}=${quoteBash(val)}`;
      case 'fish':
        return `set -gx ${k} ${quoteBash(val)};`;
      case 'powershell':
        return `$Env:${k} = "${val.replace(/(["`$])/g, '`$1')}"`;
      case 'cmd':
        return `SET ${k}=${val}`;
    }
  });
  return [...lines, hint(shell, `${program} machine env ${machineName}`)].join('\n') + '\n';
}

export function renderUnset(shell: Shell, program = 'flotilla'): string {
  const lines = KEYS.map((k) => {
    switch (shell) {
      case 'bash':
        return `unset ${k}`;
      case 'fish':
        return `set -e ${k};`;
      case 'powershell':
        return `Remove-Item Env:\\${k}`;
      case 'cmd':
        return `SET ${k}=`;
    }
  });
  return [...lines, hint(shell, `${program} machine env -u`)].join('\n') + '\n';
}

function hint(shell: Shell, cmd: string): string {
  switch (shell) {
    case 'bash':
      return `# Run this command to configure your shell:\n# eval $(${cmd})`;
    case 'fish':
      return `# Run this command to configure your shell:\n# eval (${cmd})`;
    case 'powershell':
      return `# Run this command to configure your shell:\n# & ${cmd} --shell powershell | Invoke-Expression`;
    case 'cmd':
      return `REM Run this command to configure your shell:\nREM \t@FOR /f "tokens=*" %i IN ('${cmd} --shell cmd') DO @%i`;
  }
}
