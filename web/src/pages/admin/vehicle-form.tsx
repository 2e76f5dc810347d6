// Register a transporter's vehicle, or change one (sold on, rated anew): sealed in the log. A
// plate already registered fills the form with what is registered; left empty, a field keeps it.
import { useState } from 'preact/hooks';
import { put } from '../../api.ts';
import { Field, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { orgName, type Registry } from '../../registry.ts';
import type { Vehicle } from '../../types.ts';
import { VEHICLE_KINDS } from '../../../../server/registry/validate.ts';
import { FormEnd } from './login-fields.tsx';

export function VehicleForm({ reg, onDone, onCancel }: { reg: Registry; onDone: (message: string) => void; onCancel: () => void }) {
  const [plate, setPlate] = useState('');
  const [orgId, setOrgId] = useState('');
  const [kind, setKind] = useState('');
  const [rated, setRated] = useState('');
  const [permit, setPermit] = useState('');
  const action = useStep(); // one event id while a lost answer is retried: the vehicle is registered once
  const known = reg.vehicles.find((v) => v.plate === plate.trim());
  const pickPlate = (p: string) => {
    setPlate(p);
    const v = reg.vehicles.find((x) => x.plate === p.trim());
    if (!v) return;
    setOrgId(v.orgId);
    setKind(v.kind ?? '');
    setRated(v.ratedLoadKg === null ? '' : String(v.ratedLoadKg));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async (eventId) => {
      const body = { eventId, orgId, ...(kind && { kind }), ...(rated && { ratedLoadKg: Number(rated) }), ...(permit.trim() && { roadTransportPermit: permit.trim() }) };
      const r = await put<{ vehicle: Vehicle; index: number }>(`/api/registry/vehicles/${encodeURIComponent(plate.trim())}`, body);
      onDone(t('adm.registry.vehicleSaved', { plate: r.vehicle.plate, index: r.index }));
    });
  };
  return (
    <form class="card vehicle-form" onSubmit={submit}>
      <h2>{t('adm.registry.addVehicle')}</h2>
      <Field label={t('man.vehicle')} hint={t('adm.vehicle.plateHint')}>
        <input name="plate" required maxLength={20} list="registered-plates" value={plate} onInput={(e) => pickPlate(value(e))} />
        <datalist id="registered-plates">{reg.vehicles.map((v) => <option key={v.plate} value={v.plate} />)}</datalist>
      </Field>
      <Field label={t('adm.col.org')}>
        <select name="orgId" required value={orgId} onChange={(e) => setOrgId(value(e))}>
          <option value="">{t('app.pick')}</option>
          {reg.organisations.filter((o) => o.kind === 'transporter').map((o) => <option key={o.id} value={o.id}>{orgName(reg, o.id)}</option>)}
        </select>
      </Field>
      <Field label={t('adm.col.kind')}>
        <select name="kind" required={!known} value={kind} onChange={(e) => setKind(value(e))}>
          <option value="">{t('app.pick')}</option>
          {VEHICLE_KINDS.map((k) => <option key={k} value={k}>{tMaybe(`adm.vehicleKind.${k}`, k)}</option>)}
        </select>
      </Field>
      <Field label={t('adm.col.rated')}>
        <input name="ratedLoadKg" type="number" min="1" step="any" required={!known} value={rated} onInput={(e) => setRated(value(e))} />
      </Field>
      <Field label={t('adm.vehicle.permit')} hint={t('adm.registry.keepHint')}>
        <input name="roadTransportPermit" maxLength={100} required={!known} value={permit} onInput={(e) => setPermit(value(e))} />
      </Field>
      <FormEnd error={action.error} busy={action.busy} submit={t('adm.registry.addVehicle')} onCancel={onCancel} />
    </form>
  );
}
