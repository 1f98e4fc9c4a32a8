// The Cluster view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function ClusterView(): ReactElement {
  return <PendingView title="Cluster" what="This view is being built." />;
}
