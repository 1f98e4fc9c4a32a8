import type { ReactElement, ReactNode } from 'react';

export function ViewHeader(props: { title: string; sub?: ReactNode; actions?: ReactNode }): ReactElement {
  return (
    <header className="view-header">
      <h1>{props.title}</h1>
      {props.sub && <span className="sub">{props.sub}</span>}
      {props.actions && <div className="actions">{props.actions}</div>}
    </header>
  );
}
