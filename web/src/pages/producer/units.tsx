// The organisation's drums, by state: open one to tag, weigh, store or label it; print labels.
import { useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { PrintLabels } from '../../components/labels.tsx';
import { Loading, ProblemBox, UnitState, value } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, fmtKg, t, tMaybe } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';

const STATES = ['registered', 'stored', 'retrieved', 'loaded', 'unloaded', 'received', 'refused', 'disposed'];

export function UnitsPage() {
  const [state, setState] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const list = useLoad(() => units.list({ state: state || undefined }), [state]);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

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
        <span class="spacer" />
        <span class="muted">{t('units.selected', { n: picked.length })}</span>
        <PrintLabels ids={picked} text={t('units.printSelected')} />
      </div>
      <Loading when={list.loading} />
      <ProblemBox error={list.error} />
      {list.data && list.data.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <table class="units">
          <thead>
            <tr>
              <th />
              <th>{t('col.hjCode')}</th>
              <th>{t('col.wasteCode')}</th>
              <th>{t('col.name')}</th>
              <th>{t('col.state')}</th>
              <th class="num">{t('col.net')}</th>
              <th>{t('col.tag')}</th>
              <th>{t('col.registered')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((u) => (
              <tr key={u.id} data-unit={u.id}>
                <td>
                  <input type="checkbox" aria-label={u.hjCode} disabled={!u.grai} checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
                </td>
                <td>
                  <Link href={`/producer/units/${u.id}`} class="mono">
                    {u.hjCode}
                  </Link>
                </td>
                <td class="mono">{u.wasteCode}</td>
                <td>{u.name}</td>
                <td>
                  <UnitState state={u.state} />
                </td>
                <td class="num">{fmtKg(u.netKg)}</td>
                <td class="mono">{u.epc ?? <span class="muted">{t('units.noTag')}</span>}</td>
                <td>{fmtDateTime(u.registeredAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
