// The Services view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function ServicesView(): ReactElement {
  return <PendingView title="Services" what="This view is being built." />;
}
