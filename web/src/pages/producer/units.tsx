// The organisation's drums, by state: open one to tag, weigh, store or label it; print labels.
import { useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { PrintLabels } from '../../components/labels.tsx';
import { DrumTable, netColumn, PickedCount, usePicked } from '../../components/drum-table.tsx';
import { Listing } from '../../components/table.tsx';
import { UnitState, value } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, t, tMaybe } from '../../i18n/index.ts';

const STATES = ['registered', 'stored', 'retrieved', 'loaded', 'unloaded', 'received', 'refused', 'disposed'];

export function UnitsPage() {
  const [state, setState] = useState('');
  const pick = usePicked();
  const list = useLoad(() => units.list({ state: state || undefined }), [state]);

  return (
    <section>
      <h1>{t('units.title')}</h1>
      <div class="toolbar">
        <label>
          {t('units.state')}{' '}
          <select name="state" value={state} onChange={(e) => setState(value(e))}>
            <option value="">{t('units.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {tMaybe(`state.${s}`, s)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={list.reload}>
          {t('app.refresh')}
        </button>
        <PickedCount n={pick.ids.length} />
        <PrintLabels ids={pick.ids} text={t('units.printSelected')} />
      </div>
      <Listing load={list} items={list.data}>
        {(drums) => (
          <DrumTable
            class="units"
            drums={drums}
            pick={pick}
            canPick={(u) => !!u.grai}
            columns={[
              { head: t('col.state'), cell: (u) => <UnitState state={u.state} /> },
              netColumn(),
              { head: t('col.tag'), mono: true, cell: (u) => u.epc ?? <span class="muted">{t('units.noTag')}</span> },
              { head: t('col.registered'), cell: (u) => fmtDateTime(u.registeredAt) },
            ]}
          />
        )}
      </Listing>
    </section>
  );
}
