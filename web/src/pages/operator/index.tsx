// The operator's pages.
import { PendingPage } from '../pending.tsx';

export function OperatorPages(_props: { path: string }) {
  return <PendingPage role="operator" />;
}
