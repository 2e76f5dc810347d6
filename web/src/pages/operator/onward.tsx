// Refused drums leave on an onward manifest, drafted and signed here by the refusing operator:
// back to their producer, or on to another licensed operator, with the transport leg.
import { useState } from 'preact/hooks';
import { manifests } from '../../api.ts';
import { Field, ProblemBox, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { t, today } from '../../i18n/index.ts';
import { orgName, type Registry } from '../../registry.ts';
import { getSession } from '../../session.ts';
import type { Manifest, Unit } from '../../types.ts';
import { receiving } from './api.ts';

export function OnwardForm({ m, refused, reg, onDone }: { m: Manifest; refused: Unit[]; reg?: Registry; onDone: (note: string) => void }) {
  const me = getSession()?.orgId;
  const operators = reg?.organisations.filter((o) => o.kind === 'operator' && o.id !== me) ?? [];
  const transporters = reg?.organisations.filter((o) => o.kind === 'transporter') ?? [];
  const [receiverOrgId, setReceiver] = useState(m.producerOrgId);
  const [transporter, setTransporter] = useState('');
  const [plate, setPlate] = useState('');
  const [plannedDate, setDate] = useState(today());
  // The draft made by a first attempt whose signature did not go through: a retry only signs it.
  const [draft, setDraft] = useState<Manifest | null>(null);
  const drafting = useStep();
  const signing = useStep();
  const vehicles = reg?.vehicles.filter((v) => v.orgId === transporter) ?? [];

  const submit = (e: Event) => {
    e.preventDefault();
    void drafting.run(async (eventId) => {
      const made = draft ?? (await receiving.sendOn(m.id, eventId, { receiverOrgId, legs: [{ transporterOrgId: transporter, vehiclePlate: plate }], unitIds: refused.map((u) => u.id), plannedDate })).manifest;
      setDraft(made);
      await signing.run(async (signId) => {
        const r = await manifests.sign(made.id, signId);
        setDraft(null);
        onDone(t('op.onward.done', { number: r.manifest.number, org: orgName(reg, receiverOrgId) }));
      });
    });
  };
  return (
    <form class="onward-form" onSubmit={submit}>
      <h3>{t('op.onward.title', { n: refused.length })}</h3>
      <p class="muted">{refused.map((u) => u.hjCode).join(', ')}</p>
      <Field label={t('op.onward.to')}>
        <select name="receiverOrgId" value={receiverOrgId} onChange={(e) => setReceiver(value(e))}>
          <option value={m.producerOrgId}>{t('op.onward.back', { org: orgName(reg, m.producerOrgId) })}</option>
          {operators.map((o) => <option key={o.id} value={o.id}>{orgName(reg, o.id)}</option>)}
        </select>
      </Field>
      <Field label={t('man.transporter')}>
        <select name="transporter" required value={transporter} onChange={(e) => { setTransporter(value(e)); setPlate(''); }}>
          <option value="">{t('app.pick')}</option>
          {transporters.map((o) => <option key={o.id} value={o.id}>{orgName(reg, o.id)}</option>)}
        </select>
      </Field>
      <Field label={t('man.vehicle')}>
        <select name="vehicle" required value={plate} onChange={(e) => setPlate(value(e))}>
          <option value="">{t('app.pick')}</option>
          {vehicles.map((v) => <option key={v.plate} value={v.plate}>{v.plate}</option>)}
        </select>
      </Field>
      <Field label={t('man.planned')}>
        <input type="date" name="plannedDate" required value={plannedDate} onInput={(e) => setDate(value(e))} />
      </Field>
      <ProblemBox error={drafting.error ?? signing.error} />
      <button type="submit" class="send-on" disabled={drafting.busy || signing.busy}>
        {draft ? t('op.onward.signOnly', { number: draft.number }) : t('op.onward.submit')}
      </button>
    </form>
  );
}
