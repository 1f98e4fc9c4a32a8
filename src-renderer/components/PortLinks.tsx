// A service's published ports, each with a link to every address that serves it (ingress: every node that is
// up; host mode: the nodes running its tasks). A link opens in the system browser (open-external.ts).
import { useState, type ReactElement } from 'react';
import { portRows, type NodeIn, type PortIn, type TaskIn } from './port-links';
import { openExternal } from './open-external';
import './operate.css';

export function PortLinks({ service, nodes, tasks }: { service: { id: string; ports?: PortIn[] }; nodes: readonly NodeIn[]; tasks: readonly TaskIn[] }): ReactElement {
  const [error, setError] = useState<string>();
  const rows = portRows(service, nodes, tasks);
  if (!rows.length) return <span className="faint">none published</span>;
  return (
    <ul className="port-links" data-testid="port-links">
      {rows.map(({ port, links, why }) => (
        <li key={`${port.published ?? '-'}/${port.target}/${port.protocol}/${port.mode}`} data-testid="port-row" data-mode={port.mode}>
          <span className="mono">
            {port.published ?? '*'}→{port.target}/{port.protocol}
          </span>{' '}
          <span className="badge">{port.mode === 'host' ? 'host mode' : 'ingress'}</span>{' '}
          {links.map((l) => (
            <a
              key={l.url}
              href={l.url}
              className="port-link mono"
              title={`open ${l.url} (${l.node}) in the browser`}
              data-testid="port-link"
              onClick={(e) => {
                e.preventDefault();
                setError(undefined);
                openExternal(l.url).catch((x: unknown) => setError(x instanceof Error ? x.message : String(x)));
              }}
            >
              {l.node}
            </a>
          ))}
          {why && <span className="faint"> {why}</span>}
        </li>
      ))}
      {error && (
        <li className="tone-err" role="alert">
          {error}
        </li>
      )}
    </ul>
  );
}
