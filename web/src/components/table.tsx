// A list as the pages show it: loading, a problem, "nothing here", or a table of columns.
import type { ComponentChildren } from 'preact';
import { t } from '../i18n/index.ts';
import { Loading, ProblemBox } from './ui.tsx';

/** One column: its heading (none for an empty <th />), `num` right-aligns head and cell, `mono` the cell. */
export interface Column<T> {
  head?: string;
  num?: boolean;
  mono?: boolean;
  cell: (row: T) => ComponentChildren;
}

export function DataTable<T>({
  class: cls,
  columns,
  rows,
  rowKey,
  rowAttrs,
}: {
  class: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  /** The row's attributes the tests and styles select on (data-*, class). */
  rowAttrs: (row: T) => Record<string, string | undefined>;
}) {
  return (
    <table class={cls}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} class={c.num ? 'num' : undefined}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={rowKey(r)} {...rowAttrs(r)}>
            {columns.map((c, i) => (
              <td key={i} class={c.num ? 'num' : c.mono ? 'mono' : undefined}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Loading, the load's problem, "empty" once `items` is there and empty, else `children(items)`. */
export function Listing<T>({ load, items, children }: { load: { loading: boolean; error: unknown }; items: T[] | undefined; children: (items: T[]) => ComponentChildren }) {
  return (
    <>
      <Loading when={load.loading} />
      <ProblemBox error={load.error} />
      {items && items.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {items && items.length > 0 && children(items)}
    </>
  );
}
