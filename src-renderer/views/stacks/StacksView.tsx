// The Stacks view (being built).
import type { ReactElement } from 'react';
import { PendingView } from '../PendingView';

export function StacksView(): ReactElement {
  return <PendingView title="Stacks" what="This view is being built." />;
}
