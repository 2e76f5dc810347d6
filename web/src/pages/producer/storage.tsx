// The storage ledger: every stored drum, how long it has been in, and which are past (or near)
// the storage limit, found with the API's storedLongerThanDays filter. Pick drums to send.
import { useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { Loading, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, fmtKg, t } from '../../i18n/index.ts';
import { loadRegistry, siteName } from '../../registry.ts';
import { Link, navigate } from '../../router.tsx';

/** Warn this many days before the limit. */
const SOON_DAYS = 30;
const DAY = 86_400_000;

async function loadStorage(wasteCode: string, siteId: string) {
  const reg = await loadRegistry();
  const limit = reg.storageDays;
  const [stored, overdue, soon] = await Promise.all([
    units.list({ state: 'stored', wasteCode: wasteCode || undefined, siteId: siteId || undefined }),
    units.list({ storedLongerThanDays: limit }),
    units.list({ storedLongerThanDays: Math.max(0, limit - SOON_DAYS) }),
  ]);
  // Longest in storage first: what has to leave soonest.
  stored.sort((a, b) => (a.storedAt ?? '').localeCompare(b.storedAt ?? ''));
  return { reg, limit, stored, overdue: new Set(overdue.map((u) => u.id)), soon: new Set(soon.map((u) => u.id)) };
}

export function StoragePage() {
  const [wasteCode, setWasteCode] = useState('');
  const [siteId, setSiteId] = useState('');
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const data = useLoad(() => loadStorage(wasteCode, siteId), [wasteCode, siteId]);
  const d = data.data;
  const rows = d ? d.stored.filter((u) => !onlyOverdue || d.overdue.has(u.id)) : [];
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const days = (at: string | null) => (at ? Math.floor((Date.now() - new Date(at).getTime()) / DAY) : 0);

  return (
    <section>
      <h1>{t('storage.title')}</h1>
      {d && (
        <p class="limits">
          {t('storage.limit', { days: d.limit })}
          {d.overdue.size > 0 && <strong class="overdue-count"> · {t('storage.overdueCount', { n: d.overdue.size })}</strong>}
        </p>
      )}
      <div class="toolbar">
        <select name="wasteCode" aria-label={t('col.wasteCode')} value={wasteCode} onChange={(e) => setWasteCode(value(e))}>
          <option value="">{t('col.wasteCode')}: {t('units.all')}</option>
          {d?.reg.wasteCodes.map((c) => (
            <option key={c.code} value={c.code}>
              {c.code} {c.categoryName}
            </option>
          ))}
        </select>
        <select name="siteId" aria-label={t('unit.facility')} value={siteId} onChange={(e) => setSiteId(value(e))}>
          <option value="">{t('unit.facility')}: {t('units.all')}</option>
          {d?.reg.sites.filter((s) => s.kind === 'storage').map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <label class="check">
          <input type="checkbox" name="onlyOverdue" checked={onlyOverdue} onChange={(e) => setOnlyOverdue((e.currentTarget as HTMLInputElement).checked)} />
          {t('storage.onlyOverdue')}
        </label>
        <button type="button" onClick={data.reload}>
          {t('app.refresh')}
        </button>
        <span class="spacer" />
        <span class="muted">{t('units.selected', { n: picked.length })}</span>
        <button type="button" class="primary draft-selected" disabled={picked.length === 0} onClick={() => navigate(`/producer/manifests/new?units=${picked.join(',')}`)}>
          {t('storage.draft')}
        </button>
      </div>
      <Loading when={data.loading} />
      <ProblemBox error={data.error} />
      {d && rows.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {rows.length > 0 && (
        <table class="storage">
          <thead>
            <tr>
              <th />
              <th>{t('col.hjCode')}</th>
              <th>{t('col.wasteCode')}</th>
              <th>{t('col.name')}</th>
              <th class="num">{t('col.net')}</th>
              <th>{t('col.bay')}</th>
              <th>{t('col.stored')}</th>
              <th class="num">{t('col.days')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((u) => {
              const late = d!.overdue.has(u.id) ? 'overdue' : d!.soon.has(u.id) ? 'soon' : '';
              return (
                <tr key={u.id} data-unit={u.id} class={late}>
                  <td>
                    <input type="checkbox" aria-label={u.hjCode} checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
                  </td>
                  <td>
                    <Link href={`/producer/units/${u.id}`} class="mono">
                      {u.hjCode}
                    </Link>
                  </td>
                  <td class="mono">{u.wasteCode}</td>
                  <td>{u.name}</td>
                  <td class="num">{fmtKg(u.netKg)}</td>
                  <td>
                    {siteName(d!.reg, u.storageSiteId)} · {u.storageBay}
                  </td>
                  <td>{fmtDateTime(u.storedAt)}</td>
                  <td class="num">{t('units.days', { n: days(u.storedAt) })}</td>
                  <td>{late && <span class={`badge ${late}`}>{t(late === 'overdue' ? 'storage.overdue' : 'storage.soon')}</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
