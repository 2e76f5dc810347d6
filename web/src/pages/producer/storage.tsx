// The storage ledger: every stored drum, how long it has been in, and which are past (or near)
// the storage limit, found with the API's storedLongerThanDays filter. Pick drums to send.
import { useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { DrumTable, netColumn, PickedCount, usePicked } from '../../components/drum-table.tsx';
import { Listing } from '../../components/table.tsx';
import { value } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, t } from '../../i18n/index.ts';
import { loadRegistry, siteName } from '../../registry.ts';
import { navigate } from '../../router.tsx';
import type { Unit } from '../../types.ts';

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
  const pick = usePicked();
  const data = useLoad(() => loadStorage(wasteCode, siteId), [wasteCode, siteId]);
  const d = data.data;
  const rows = d ? d.stored.filter((u) => !onlyOverdue || d.overdue.has(u.id)) : [];
  const late = (u: Unit) => (d!.overdue.has(u.id) ? 'overdue' : d!.soon.has(u.id) ? 'soon' : '');
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
        <PickedCount n={pick.ids.length} />
        <button type="button" class="primary draft-selected" disabled={pick.ids.length === 0} onClick={() => navigate(`/producer/manifests/new?units=${pick.ids.join(',')}`)}>
          {t('storage.draft')}
        </button>
      </div>
      <Listing load={data} items={d && rows}>
        {(drums) => (
          <DrumTable
            class="storage"
            drums={drums}
            pick={pick}
            rowClass={late}
            columns={[
              netColumn(),
              {
                head: t('col.bay'),
                cell: (u) => (
                  <>
                    {siteName(d!.reg, u.storageSiteId)} · {u.storageBay}
                  </>
                ),
              },
              { head: t('col.stored'), cell: (u) => fmtDateTime(u.storedAt) },
              { head: t('col.days'), num: true, cell: (u) => t('units.days', { n: days(u.storedAt) }) },
              { cell: (u) => late(u) && <span class={`badge ${late(u)}`}>{t(late(u) === 'overdue' ? 'storage.overdue' : 'storage.soon')}</span> },
            ]}
          />
        )}
      </Listing>
    </section>
  );
}
