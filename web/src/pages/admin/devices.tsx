// Device health: each device's last word (a reading or its gateway's report), readings sealed,
// kept and refused, the gateway's error counts, stale devices marked; and key enrolment.
import { Loading, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, t } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { devices, gatewayErrors, isStale, lastHeard } from './api.ts';
import { EnrolForm } from './enrol.tsx';

export function DevicesPage() {
  const reg = useLoad(loadRegistry);
  const list = useLoad(devices.list);
  const stale = list.data?.filter((d) => isStale(d)).length ?? 0;
  return (
    <section>
      <h1>{t('adm.devices.title')}</h1>
      <div class="toolbar">
        <button type="button" class="refresh" onClick={list.reload}>{t('app.refresh')}</button>
        {list.data && <span class={stale ? 'stale-count warning' : 'stale-count'}>{t('adm.devices.staleCount', { n: stale, total: list.data.length })}</span>}
      </div>
      <Loading when={list.loading} />
      <ProblemBox error={list.error} />
      {list.data && (
        <table class="devices">
          <thead>
            <tr>
              <th>{t('adm.col.device')}</th>
              <th>{t('adm.col.org')}</th>
              <th>{t('adm.col.kind')}</th>
              <th>{t('adm.col.lastSeen')}</th>
              <th class="num">{t('adm.col.sealed')}</th>
              <th class="num">{t('adm.col.kept')}</th>
              <th class="num">{t('adm.col.refused')}</th>
              <th>{t('adm.col.errors')}</th>
              <th>{t('adm.col.key')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((d) => {
              const errors = gatewayErrors(d);
              const old = isStale(d);
              return (
                <tr key={d.id} data-device={d.id} class={old ? 'stale' : ''}>
                  <td class="mono">{d.id}</td>
                  <td>{orgName(reg.data, d.orgId)}</td>
                  <td>{d.kind}</td>
                  <td class="last-seen">
                    {fmtDateTime(lastHeard(d))} {old && <span class="badge stale-mark">{t('adm.devices.stale')}</span>}
                  </td>
                  <td class="num sealed">{d.readings.sealed}</td>
                  <td class="num">{d.readings.kept}</td>
                  <td class="num refused" title={d.lastRefusal?.detail}>{d.readings.refused}</td>
                  <td class="errors" title={errors.kinds.map(([k, n]) => `${k}: ${n}`).join(', ')}>
                    {errors.total}
                    {errors.kinds.length > 0 && <small class="muted"> ({errors.kinds.map(([k, n]) => `${k} ${n}`).join(', ')})</small>}
                  </td>
                  <td class="key">{d.keyEnrolled ? t('adm.devices.enrolled') : t('adm.devices.noKey')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {list.data && <EnrolForm list={list.data} onDone={list.reload} />}
    </section>
  );
}
