// An error inside a dialog, a form or a list (not a whole view: that is StateMessage kind="error"), with an
// OK button when the person should dismiss it.
import type { ReactElement, ReactNode } from 'react';
import './inline-error.css';

export function InlineError(props: { children: ReactNode; onDismiss?: () => void; className?: string; testId?: string }): ReactElement {
  return (
    <div className={`inline-error${props.className ? ` ${props.className}` : ''}`} role="alert" data-testid={props.testId}>
      {props.children}
      {props.onDismiss && (
        <>
          {' '}
          <button type="button" className="btn small" onClick={props.onDismiss}>
            OK
          </button>
        </>
      )}
    </div>
  );
}
