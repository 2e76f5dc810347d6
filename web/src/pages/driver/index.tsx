// The driver's pages.
import { PendingPage } from '../pending.tsx';

export function DriverPages(_props: { path: string }) {
  return <PendingPage role="driver" />;
}
