// The Machines view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function MachinesView(): ReactElement {
  return <PendingView title="Machines" what="This view is being built." />;
}
