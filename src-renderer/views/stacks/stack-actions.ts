// Opening a stack in the editor: from disk, or the latest deployment Flotilla made of it.
import { api } from '../../api';
import { openComposeFile } from './compose-files';
import { workbench } from './stacks-store';
import { baseName } from './workbench-store';

const STACK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export async function openFromDisk(): Promise<void> {
  try {
    const f = await openComposeFile();
    if (f) openText(f);
  } catch (e) {
    workbench.setState({
      notice: `could not open the file: ${(e as Error).message}`,
    });
  }
}

/** opens a compose file's text in the editor (picked in a dialog, or dropped on the editor) */
export function openText(f: { name: string; content: string }): void {
  const guess = baseName(f.name)
    .replace(/\.(ya?ml)$/i, '')
    .replace(/^(docker-)?compose$/, 'mystack');
  const stack = workbench.getState().doc?.stack || (STACK_NAME.test(guess) ? guess : 'mystack');
  workbench.getState().open({ fileName: baseName(f.name), content: f.content, stack });
}

/** opens the stack's latest Flotilla deployment in the editor (or says why it cannot) */
export async function openLatest(stack: string): Promise<void> {
  const wb = workbench.getState();
  if (!wb.engineId) return;
  try {
    const h = await api.invoke('stacks.history', {
      engineId: wb.engineId,
      stack,
    });
    const last = h.entries[h.entries.length - 1];
    if (last) await wb.openDeployment(stack, last.n);
    else {
      wb.open({
        fileName: `${stack}.yml`,
        content: `# ${stack} was not deployed from Flotilla, so its compose file is not known here.\n# Open its file (Open…) or write it below; Plan shows how it differs from what runs.\n`,
        stack,
        from: { stack },
      });
    }
  } catch (e) {
    workbench.setState({ notice: (e as Error).message });
  }
}
