// The manifests table the producer's and the inspector's lists share: number, state, the
// page's own columns, units and planned date, then any more the page adds.
import { fmtDate, t } from '../i18n/index.ts';
import { orgName, type Registry } from '../registry.ts';
import { Link } from '../router.tsx';
import type { Manifest } from '../types.ts';
import { type Column, DataTable } from './table.tsx';
import { ManifestState } from './ui.tsx';

/** A column naming one of the manifest's organisations. */
export const orgColumn = (head: string, reg: Registry | undefined, org: (m: Manifest) => string): Column<Manifest> => ({
  head,
  cell: (m) => orgName(reg, org(m)),
});

export function ManifestTable({
  manifests,
  href,
  columns,
  more = [],
}: {
  manifests: Manifest[];
  /** Where the number links to; no link without it. */
  href?: (m: Manifest) => string;
  /** Between the state and the units. */
  columns: Column<Manifest>[];
  /** After the planned date. */
  more?: Column<Manifest>[];
}) {
  const all: Column<Manifest>[] = [
    { head: t('man.number'), mono: true, cell: (m) => (href ? <Link href={href(m)}>{m.number}</Link> : m.number) },
    { head: t('man.state'), cell: (m) => <ManifestState state={m.state} /> },
    ...columns,
    { head: t('man.units'), num: true, cell: (m) => m.unitIds.length },
    { head: t('man.planned'), cell: (m) => fmtDate(m.plannedDate) },
    ...more,
  ];
  return <DataTable class="manifests" columns={all} rows={manifests} rowKey={(m) => m.id} rowAttrs={(m) => ({ 'data-manifest': m.id })} />;
}
