// The Terminals view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function TerminalsView(): ReactElement {
  return <PendingView title="Terminals" what="This view is being built." />;
}
