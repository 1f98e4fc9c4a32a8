// A view whose feature is still being built: says so plainly instead of showing nothing.
import type { ReactElement } from 'react';
import { ViewHeader } from '../components/ViewHeader';
import { StateMessage } from '../components/StateMessage';

export function PendingView({ title, what }: { title: string; what: string }): ReactElement {
  return (
    <>
      <ViewHeader title={title} />
      <div className="view-body">
        <StateMessage title={`${title} is coming`}>
          <p>{what}</p>
        </StateMessage>
      </div>
    </>
  );
}
