// Machine names, as docker-machine allows them: letters, digits, dots, dashes and underscores,
// starting with a letter or digit (it becomes a hostname, a container name and a docker context).
import { FlotillaError } from '../../api/errors';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

export function isValidMachineName(name: string): boolean {
  return name.length > 0 && name.length <= 63 && NAME_RE.test(name) && !name.endsWith('.') && !name.endsWith('-');
}

export function validateMachineName(name: string): void {
  if (!isValidMachineName(name)) {
    throw new FlotillaError(
      'BAD_INPUT',
      `invalid machine name "${name}": use 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit and not ending with a dot or dash`,
    );
  }
}
