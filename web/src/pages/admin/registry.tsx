// The park registry: organisations (with operators' licences) and vehicles; the admin registers a
// vehicle or a licence, new or changed. People and their logins have a page of their own (people.tsx).
import { useState } from 'preact/hooks';
import { Loading, Notice, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDate, fmtKg, t, tMaybe } from '../../i18n/index.ts';
import { forgetRegistry, loadRegistry, orgName } from '../../registry.ts';
import { LicenceForm } from './licence-form.tsx';
import { VehicleForm } from './vehicle-form.tsx';

export function RegistryPage() {
  const [version, setVersion] = useState(0);
  const reg = useLoad(loadRegistry, [version]);
  const [form, setForm] = useState<'vehicle' | 'licence' | null>(null);
  const [notice, setNotice] = useState('');
  const open = (which: 'vehicle' | 'licence') => {
    setNotice('');
    setForm(which);
  };
  const done = (message: string) => {
    setNotice(message);
    setForm(null);
    forgetRegistry();
    setVersion((v) => v + 1);
  };
  return (
    <section>
      <h1>{t('adm.registry.title')}</h1>
      <Loading when={reg.loading} />
      <ProblemBox error={reg.error} />
      <Notice>{notice}</Notice>
      {reg.data && form === 'vehicle' && <VehicleForm reg={reg.data} onDone={done} onCancel={() => setForm(null)} />}
      {reg.data && form === 'licence' && <LicenceForm reg={reg.data} onDone={done} onCancel={() => setForm(null)} />}
      {!form && (
        <p>
          <button type="button" class="add-vehicle" disabled={!reg.data} onClick={() => open('vehicle')}>
            {t('adm.registry.addVehicle')}
          </button>{' '}
          <button type="button" class="add-licence" disabled={!reg.data} onClick={() => open('licence')}>
            {t('adm.registry.addLicence')}
          </button>
        </p>
      )}
      {reg.data && (
        <>
          <h2>{t('adm.registry.orgs')}</h2>
          <table class="organisations">
            <thead>
              <tr>
                <th>{t('adm.col.org')}</th>
                <th>{t('adm.col.kind')}</th>
                <th>{t('adm.col.uscc')}</th>
                <th>{t('adm.col.region')}</th>
                <th>{t('adm.col.licences')}</th>
              </tr>
            </thead>
            <tbody>
              {reg.data.organisations.map((o) => (
                <tr key={o.id} data-org={o.id}>
                  <td>{orgName(reg.data, o.id)}</td>
                  <td>{tMaybe(`adm.kind.${o.kind}`, o.kind)}</td>
                  <td class="mono">{o.uscc}</td>
                  <td>{o.region}</td>
                  <td>
                    {o.licences.map((l) => (
                      <div key={l.id} class="licence">
                        {l.number} · {t('adm.registry.codes', { n: l.wasteCodes.length })}
                        {l.tonnesPerYear !== null && ` · ${t('adm.registry.tonnes', { n: l.tonnesPerYear })}`}
                        {l.validUntil && ` · ${t('adm.registry.until', { date: fmtDate(l.validUntil) })}`}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('adm.registry.vehicles')}</h2>
          <table class="vehicles">
            <thead>
              <tr>
                <th>{t('man.vehicle')}</th>
                <th>{t('adm.col.org')}</th>
                <th>{t('adm.col.kind')}</th>
                <th class="num">{t('adm.col.rated')}</th>
              </tr>
            </thead>
            <tbody>
              {reg.data.vehicles.map((v) => (
                <tr key={v.plate} data-plate={v.plate}>
                  <td class="mono">{v.plate}</td>
                  <td>{orgName(reg.data, v.orgId)}</td>
                  <td>{v.kind ? tMaybe(`adm.vehicleKind.${v.kind}`, v.kind) : '—'}</td>
                  <td class="num">{fmtKg(v.ratedLoadKg)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
