// The drums table the producer's units and storage pages share: a pick box, the HJ code linking
// to the drum, waste code and name, then the page's own columns.
import { useState } from 'preact/hooks';
import { fmtKg, t } from '../i18n/index.ts';
import { Link } from '../router.tsx';
import type { Unit } from '../types.ts';
import { type Column, DataTable } from './table.tsx';

export interface Picked {
  ids: string[];
  toggle(id: string): void;
}

/** The picked drum ids, and a toggle for one. */
export function usePicked(): Picked {
  const [ids, setIds] = useState<string[]>([]);
  const toggle = (id: string) => setIds((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return { ids, toggle };
}

/** The toolbar's right side: a spacer and how many drums are picked. */
export function PickedCount({ n }: { n: number }) {
  return (
    <>
      <span class="spacer" />
      <span class="muted">{t('units.selected', { n })}</span>
    </>
  );
}

/** The net weight; a function, so the heading is in the language of the render. */
export const netColumn = (): Column<Unit> => ({ head: t('col.net'), num: true, cell: (u) => fmtKg(u.netKg) });

export function DrumTable({
  class: cls,
  drums,
  pick,
  columns,
  canPick,
  rowClass,
}: {
  class: string;
  drums: Unit[];
  pick: Picked;
  /** After the name. */
  columns: Column<Unit>[];
  /** Whether a drum's box is enabled; all are without it. */
  canPick?: (u: Unit) => boolean;
  /** The row's class; none without it. */
  rowClass?: (u: Unit) => string;
}) {
  const all: Column<Unit>[] = [
    {
      cell: (u) => <input type="checkbox" aria-label={u.hjCode} disabled={canPick && !canPick(u)} checked={pick.ids.includes(u.id)} onChange={() => pick.toggle(u.id)} />,
    },
    {
      head: t('col.hjCode'),
      cell: (u) => (
        <Link href={`/producer/units/${u.id}`} class="mono">
          {u.hjCode}
        </Link>
      ),
    },
    { head: t('col.wasteCode'), mono: true, cell: (u) => u.wasteCode },
    { head: t('col.name'), cell: (u) => u.name },
    ...columns,
  ];
  return <DataTable class={cls} columns={all} rows={drums} rowKey={(u) => u.id} rowAttrs={(u) => ({ 'data-unit': u.id, class: rowClass?.(u) })} />;
}
