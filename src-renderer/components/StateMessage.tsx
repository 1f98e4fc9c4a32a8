// Empty, loading and error states: each says what is going on and what to do next.
import type { ReactElement, ReactNode } from 'react';

export function StateMessage(props: { kind?: 'empty' | 'loading' | 'error'; title: string; children?: ReactNode; testId?: string }): ReactElement {
  const kind = props.kind ?? 'empty';
  return (
    <div className={`state ${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      <h2>
        {kind === 'loading' && <span className="spinner" aria-hidden="true" />} {props.title}
      </h2>
      {props.children}
    </div>
  );
}
