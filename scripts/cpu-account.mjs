// CPU accounting for `npm test` on Linux with cgroup v1 cpuacct mounted writable (CI runs as root): each lane's
// process tree goes into a cgroup of its own, so the summary can say where the machine's CPU went (the lanes,
// the containers (labs, container machines), everything else) instead of guessing from wall times. Elsewhere it
// does nothing. cpuacct charges every ancestor as time is used, so a parent keeps what removed children used.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup/cpuacct';

function usable() {
  try {
    fs.accessSync(path.join(ROOT, 'cgroup.procs'), fs.constants.W_OK);
    return fs.existsSync(path.join(ROOT, 'cpuacct.usage'));
  } catch {
    return false;
  }
}

/** nanoseconds used by a cgroup (and its descendants), or undefined when it cannot be read */
function usage(dir) {
  try {
    return Number(fs.readFileSync(path.join(dir, 'cpuacct.usage'), 'utf8').trim());
  } catch {
    return undefined;
  }
}

export function cpuAccount() {
  if (process.platform !== 'linux' || !usable()) return undefined;
  const base = path.join(ROOT, `flotilla-test-${process.pid}`);
  fs.mkdirSync(base, { recursive: true });
  const start = { total: usage(ROOT), docker: usage(path.join(ROOT, 'docker')) ?? 0, at: Date.now() };
  const parts = new Map();
  return {
    /** puts a just-spawned lane process (and so what it spawns later) into the part's cgroup */
    adopt(part, pid) {
      const dir = path.join(base, part.replace(/[^a-z0-9-]/gi, '_') || 'main');
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
        parts.set(part || 'main', dir);
      } catch {
        // a process that already ended, or a kernel that refuses: its CPU shows under "other"
      }
    },
    /** one line: CPU seconds per part, the containers, the rest, against what two-core wall time offered */
    report() {
      const secs = (ns) => Math.round((ns ?? 0) / 1e9);
      const total = (usage(ROOT) ?? 0) - (start.total ?? 0);
      const docker = (usage(path.join(ROOT, 'docker')) ?? 0) - start.docker;
      const lanes = [...parts].map(([name, dir]) => [name, usage(dir) ?? 0]);
      const other = total - docker - lanes.reduce((a, [, u]) => a + u, 0);
      const wall = (Date.now() - start.at) / 1000;
      const cpus = fs.readdirSync('/sys/devices/system/cpu').filter((d) => /^cpu\d+$/.test(d)).length || 1;
      const list = [...lanes.map(([n, u]) => `${n} ${secs(u)}`), `containers ${secs(docker)}`, `other ${secs(other)}`].join(', ');
      for (const dir of parts.values()) tryRmdir(dir);
      tryRmdir(base);
      return `cpu seconds: ${list}; total ${secs(total)} of ${Math.round(wall * cpus)} (${Math.round((100 * total) / 1e9 / (wall * cpus))} % busy on ${cpus} CPUs)`;
    },
  };
}

function tryRmdir(dir) {
  try {
    fs.rmdirSync(dir);
  } catch {
    // still has processes (a lane's leftovers): the kernel keeps it; harmless
  }
}
