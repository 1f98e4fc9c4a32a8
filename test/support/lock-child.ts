// A separate process that takes Flotilla's file locks, for the lock tests (bundled with esbuild and run by node):
//   hold LOCK                 take the lock, print "locked", keep it until killed
//   exit-holding LOCK         take the lock and exit the process from inside it
//   turns LOCK LOG ROUNDS     ROUNDS times: under the lock, append "in PID" and then "out PID" to LOG
//   update HOME NAME ROUNDS   ROUNDS read-modify-writes of machine NAME's config: options.count += 1
//   deploys HOME ROUNDS       record ROUNDS deploys of stack "web" and print their numbers
//   leases DIR ROUNDS         lease ROUNDS addresses on QEMU network "sw" (owners PID-i) and print them
import fs from 'node:fs';
import { withFileLock } from '../../src-main/core/filelock';
import { NetworkRegistry } from '../../src-main/core/machines/drivers/qemu/network';
import { MachineStore } from '../../src-main/core/machines/store';
import { recordDeploy } from '../../src-main/core/stacks/history';
import type { ComposeConfig } from '../../src-main/core/stacks/model';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const [cmd, a = '', b = '', c = ''] = process.argv.slice(2);

async function main(): Promise<void> {
  if (cmd === 'hold') {
    await withFileLock(a, async () => {
      process.stdout.write('locked\n');
      await new Promise(() => setInterval(() => undefined, 60_000)); // a timer keeps the process alive
    });
  } else if (cmd === 'exit-holding') {
    await withFileLock(a, async () => process.exit(0));
  } else if (cmd === 'turns') {
    for (let i = 0; i < Number(c); i++) {
      await withFileLock(a, async () => {
        fs.appendFileSync(b, `in ${process.pid}\n`);
        await tick(2 + Math.random() * 8);
        fs.appendFileSync(b, `out ${process.pid}\n`);
      });
    }
  } else if (cmd === 'update') {
    const store = new MachineStore(a);
    for (let i = 0; i < Number(c); i++) {
      await store.update(b, (m) => {
        m.spec.options.count = Number(m.spec.options.count ?? 0) + 1;
      });
    }
  } else if (cmd === 'deploys') {
    const config = { services: [{ name: 'app' }], secrets: {}, configs: {} } as unknown as ComposeConfig;
    const ns: number[] = [];
    for (let i = 0; i < Number(b); i++) {
      const e = await recordDeploy(a, { stack: 'web', engine: 'lab', sources: ['c.yml'], workingDir: '/', variables: {}, options: {}, contents: [{ file: 'c.yml', content: `# ${process.pid} ${i}\n` }], config });
      ns.push(e.n);
    }
    process.stdout.write(JSON.stringify(ns) + '\n');
  } else if (cmd === 'leases') {
    const reg = new NetworkRegistry(a);
    const ips: string[] = [];
    for (let i = 0; i < Number(b); i++) ips.push((await reg.lease({ name: 'sw', owner: `/m/${process.pid}-${i}` })).ip);
    process.stdout.write(JSON.stringify(ips) + '\n');
  } else throw new Error(`unknown command ${cmd}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
