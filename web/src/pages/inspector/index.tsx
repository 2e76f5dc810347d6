// The inspector's pages.
import { PendingPage } from '../pending.tsx';

export function InspectorPages(_props: { path: string }) {
  return <PendingPage role="inspector" />;
}
