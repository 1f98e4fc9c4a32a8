// The Logs view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function LogsView(): ReactElement {
  return <PendingView title="Logs" what="This view is being built." />;
}
