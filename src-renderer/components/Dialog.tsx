// A modal dialog on the platform's <dialog>: focus stays inside, Escape closes it, and its content is a
// form so Enter does the main action. Used by the Machines and Cluster views; its styles are dialog.css.
import { useEffect, useRef, type FormEvent, type ReactElement, type ReactNode } from 'react';
import './dialog.css';

export function Dialog(props: {
  title: string;
  children: ReactNode;
  /** the buttons row; the submit button does the main action on Enter */
  actions: ReactNode;
  onClose(): void;
  onSubmit(): void;
  wide?: boolean;
  testId?: string;
}): ReactElement {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose } = props;
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const onCancel = (e: Event): void => {
      e.preventDefault();
      onClose();
    };
    d?.addEventListener('cancel', onCancel);
    return () => d?.removeEventListener('cancel', onCancel);
  }, [onClose]);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <dialog ref={ref} className={`fl-dialog${props.wide ? ' wide' : ''}`} aria-label={props.title} data-testid={props.testId}>
      <form method="dialog" onSubmit={submit}>
        <h2>{props.title}</h2>
        <div className="fl-dialog-body">{props.children}</div>
        <div className="fl-dialog-actions">{props.actions}</div>
      </form>
    </dialog>
  );
}
