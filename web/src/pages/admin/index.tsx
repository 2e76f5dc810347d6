// The admin's pages.
import { PendingPage } from '../pending.tsx';

export function AdminPages(_props: { path: string }) {
  return <PendingPage role="admin" />;
}
