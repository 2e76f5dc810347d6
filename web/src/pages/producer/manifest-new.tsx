// Draft a transfer manifest from stored drums: the receiving operator (its licence checked against
// the drums' waste codes), 1–5 legs (transporter and one of its vehicles), the planned date; sign it.
import { useState } from 'preact/hooks';
import { manifests, units } from '../../api.ts';
import { Field, Loading, ManifestState, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad, useStep } from '../../hooks.ts';
import { fmtDate, fmtKg, t, today } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { useLocation } from '../../router.tsx';
import type { Leg, Manifest } from '../../types.ts';
import { Legs, mySignature, SignButton } from './manifest-parts.tsx';

export function NewManifestPage() {
  const { query } = useLocation();
  const reg = useLoad(loadRegistry);
  const stored = useLoad(() => units.list({ state: 'stored' }));
  const step = useStep();
  const [receiver, setReceiver] = useState('');
  const [legs, setLegs] = useState<Leg[]>([{ transporterOrgId: '', vehiclePlate: '' }]);
  const [plannedDate, setPlanned] = useState(today());
  const [picked, setPicked] = useState<string[]>(() => (query.get('units') ?? '').split(',').filter(Boolean));
  const [made, setMade] = useState<Manifest | null>(null);
  const [signed, setSigned] = useState('');

  const r = reg.data;
  const operators = r?.organisations.filter((o) => o.kind === 'operator') ?? [];
  const transporters = r?.organisations.filter((o) => o.kind === 'transporter') ?? [];
  const chosen = (stored.data ?? []).filter((u) => picked.includes(u.id));
  const licensed = new Set(
    operators.find((o) => o.id === receiver)?.licences.filter((l) => !l.validUntil || l.validUntil >= today()).flatMap((l) => l.wasteCodes) ?? [],
  );
  const gaps = receiver ? [...new Set(chosen.map((u) => u.wasteCode))].filter((c) => !licensed.has(c)) : [];
  const setLeg = (i: number, patch: Partial<Leg>) => setLegs((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      const res = await manifests.create({ eventId, receiverOrgId: receiver, legs, unitIds: chosen.map((u) => u.id), plannedDate });
      setMade(res.manifest);
    });
  };

  if (made) {
    return (
      <section class="manifest-made" data-manifest={made.id}>
        <h1>{t('man.new')}</h1>
        <Notice>{signed || t('man.drafted', { number: made.number })}</Notice>
        <dl class="facts card">
          <div><dt>{t('man.number')}</dt><dd class="mono">{made.number}</dd></div>
          <div><dt>{t('man.state')}</dt><dd><ManifestState state={made.state} /></dd></div>
          <div><dt>{t('man.receiver')}</dt><dd>{orgName(r, made.receiverOrgId)}</dd></div>
          <div><dt>{t('man.legs')}</dt><dd><Legs legs={made.legs} reg={r} /></dd></div>
          <div><dt>{t('man.units')}</dt><dd>{made.unitIds.length}</dd></div>
          <div><dt>{t('man.planned')}</dt><dd>{fmtDate(made.plannedDate)}</dd></div>
        </dl>
        {mySignature(made) && (
          <SignButton manifest={made} label={t('man.sign')} onDone={(s) => { setMade(s.manifest); setSigned(t('man.signed', { number: s.manifest.number })); }} />
        )}
      </section>
    );
  }

  return (
    <section>
      <h1>{t('man.new')}</h1>
      <Loading when={reg.loading || stored.loading} />
      <ProblemBox error={reg.error ?? stored.error} />
      <form class="card grid manifest-form" onSubmit={submit}>
        <Field label={t('man.receiver')}>
          <select name="receiverOrgId" required value={receiver} onChange={(e) => setReceiver(value(e))}>
            <option value="">{t('app.pick')}</option>
            {operators.map((o) => (
              <option key={o.id} value={o.id}>
                {orgName(r, o.id)} {o.licences.map((l) => l.number).join(' ')}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('man.planned')}>
          <input name="plannedDate" type="date" required value={plannedDate} onInput={(e) => setPlanned(value(e))} />
        </Field>
        {legs.map((leg, i) => (
          <fieldset key={i} class="leg-fields" data-leg={i}>
            <legend>{t('man.leg', { n: i + 1 })}</legend>
            <Field label={t('man.transporter')}>
              <select name={`transporter-${i}`} required value={leg.transporterOrgId} onChange={(e) => setLeg(i, { transporterOrgId: value(e), vehiclePlate: '' })}>
                <option value="">{t('app.pick')}</option>
                {transporters.map((o) => (
                  <option key={o.id} value={o.id}>{orgName(r, o.id)}</option>
                ))}
              </select>
            </Field>
            <Field label={t('man.vehicle')}>
              <select name={`vehicle-${i}`} required value={leg.vehiclePlate} onChange={(e) => setLeg(i, { vehiclePlate: value(e) })}>
                <option value="">{t('app.pick')}</option>
                {r?.vehicles.filter((v) => v.orgId === leg.transporterOrgId).map((v) => (
                  <option key={v.plate} value={v.plate}>
                    {v.plate} {v.kind ?? ''} {v.ratedLoadKg ? fmtKg(v.ratedLoadKg) : ''}
                  </option>
                ))}
              </select>
            </Field>
            {legs.length > 1 && (
              <button type="button" class="link" onClick={() => setLegs((ls) => ls.filter((_, j) => j !== i))}>{t('man.removeLeg')}</button>
            )}
          </fieldset>
        ))}
        {legs.length < 5 && (
          <button type="button" onClick={() => setLegs((ls) => [...ls, { transporterOrgId: '', vehiclePlate: '' }])}>{t('man.addLeg')}</button>
        )}
        <fieldset class="pick-units">
          <legend>{t('man.pickUnits')} · {t('units.selected', { n: chosen.length })}</legend>
          {stored.data && stored.data.length === 0 && <p class="muted">{t('man.noUnits')}</p>}
          {stored.data?.map((u) => (
            <label key={u.id} class="check unit-pick" data-unit={u.id}>
              <input type="checkbox" checked={picked.includes(u.id)} onChange={() => toggle(u.id)} />
              <span class="mono">{u.hjCode}</span> {u.wasteCode} {u.name} · {fmtKg(u.netKg)} · {u.storageBay}
            </label>
          ))}
        </fieldset>
        {gaps.length > 0 && <p class="warning">{t('man.licenceGap', { org: orgName(r, receiver), codes: gaps.join(', ') })}</p>}
        <div class="actions">
          <ProblemBox error={step.error} />
          <button type="submit" class="primary" disabled={step.busy || chosen.length === 0}>{t('man.create')}</button>
        </div>
      </form>
    </section>
  );
}
