// The machine store in $FLOTILLA_HOME: certs/ (CA + client cert), machines/<name>/ (config.json,
// SSH key pair, server cert, machine.log). Every write is atomic; secrets are mode 0600. A config's
// read-modify-write holds a per-machine lock file (machines/.<name>.lock), so processes never lose each other's updates.
import fs from 'node:fs/promises';
import path from 'node:path';
import { FlotillaError } from '../../api/errors';
import { flotillaHome } from '../paths';
import { appendPrivateFile, ensurePrivateDir, readJson, writeFileAtomic, writeJsonAtomic } from '../fsutil';
import { withFileLock } from '../filelock';
import { validateMachineName } from './names';
import { CONFIG_VERSION, type MachineConfig } from './types';

export const SECRET_MODE = 0o600;

export class MachineStore {
  readonly root: string;
  constructor(home: string = flotillaHome()) {
    this.root = home;
  }

  get certsDir(): string {
    return path.join(this.root, 'certs');
  }
  get machinesDir(): string {
    return path.join(this.root, 'machines');
  }
  get knownHostsFile(): string {
    return path.join(this.root, 'known_hosts');
  }
  machineDir(name: string): string {
    return path.join(this.machinesDir, name);
  }
  configPath(name: string): string {
    return path.join(this.machineDir(name), 'config.json');
  }
  /** beside the machine folders, not in one: a lock must not make a folder for a machine that is gone */
  lockPath(name: string): string {
    return path.join(this.machinesDir, `.${name}.lock`);
  }
  logPath(name: string): string {
    return path.join(this.machineDir(name), 'machine.log');
  }
  /** what the docker CLI calls DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem */
  tlsFiles(name: string): { ca: string; cert: string; key: string } {
    const d = this.machineDir(name);
    return { ca: path.join(d, 'ca.pem'), cert: path.join(d, 'cert.pem'), key: path.join(d, 'key.pem') };
  }
  sshKeyPath(name: string): string {
    return path.join(this.machineDir(name), 'id_ed25519');
  }

  /** Claims the name: fails with CONFLICT when a machine of that name exists (mkdir is atomic). */
  async reserve(name: string): Promise<void> {
    validateMachineName(name);
    await ensurePrivateDir(this.machinesDir, this.root);
    try {
      await fs.mkdir(this.machineDir(name), { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new FlotillaError('CONFLICT', `machine "${name}" already exists: pick another name or remove it with \`flotilla machine rm ${name}\``);
      throw e;
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await fs.access(this.machineDir(name));
      return true;
    } catch {
      return false;
    }
  }

  async load(name: string): Promise<MachineConfig> {
    validateMachineName(name);
    let cfg: MachineConfig | undefined;
    try {
      cfg = await readJson<MachineConfig>(this.configPath(name));
    } catch (e) {
      throw new FlotillaError('INTERNAL', `machine "${name}" has an unreadable config.json (${(e as Error).message}): fix or remove it with \`flotilla machine rm ${name}\``);
    }
    if (!cfg) throw new FlotillaError('NOT_FOUND', `no such machine: ${name}; list them with \`flotilla machine ls\``);
    if (typeof cfg.configVersion !== 'number') throw new FlotillaError('INTERNAL', `machine "${name}" has a config.json without configVersion: remove it with \`flotilla machine rm ${name}\``);
    if (cfg.configVersion > CONFIG_VERSION) throw new FlotillaError('UNSUPPORTED', `machine "${name}" was saved by a newer Flotilla (config version ${cfg.configVersion}): upgrade Flotilla`);
    return cfg;
  }

  async save(cfg: MachineConfig): Promise<void> {
    validateMachineName(cfg.name);
    await withFileLock(this.lockPath(cfg.name), () => this.write(cfg), 60_000);
  }

  /** Loads, patches and saves the config under the machine's lock. */
  async update(name: string, patch: (c: MachineConfig) => void): Promise<MachineConfig> {
    validateMachineName(name);
    return withFileLock(
      this.lockPath(name),
      async () => {
        const cfg = await this.load(name);
        patch(cfg);
        await this.write(cfg);
        return cfg;
      },
      60_000,
    );
  }

  private async write(cfg: MachineConfig): Promise<void> {
    await writeJsonAtomic(this.configPath(cfg.name), { ...cfg, configVersion: CONFIG_VERSION }, { mode: SECRET_MODE });
  }

  /** Names of every folder under machines/ (including ones whose config is broken). */
  async names(): Promise<string[]> {
    try {
      const ents = await fs.readdir(this.machinesDir, { withFileTypes: true });
      return ents.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  async writeSecret(file: string, data: string): Promise<void> {
    await writeFileAtomic(file, data, { mode: SECRET_MODE });
  }

  async appendLog(name: string, line: string): Promise<void> {
    const f = this.logPath(name);
    await appendPrivateFile(f, line.endsWith('\n') ? line : line + '\n');
  }

  async readLog(name: string): Promise<string> {
    try {
      return await fs.readFile(this.logPath(name), 'utf8');
    } catch {
      return '';
    }
  }

  async removeDir(name: string): Promise<void> {
    validateMachineName(name);
    await fs.rm(this.machineDir(name), { recursive: true, force: true });
  }
}
