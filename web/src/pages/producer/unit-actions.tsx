// The producer's steps on one drum: bind its tag, weigh it, store it, take it out of storage.
import { useEffect, useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { Field, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { fmtKg, t } from '../../i18n/index.ts';
import type { Registry } from '../../registry.ts';
import type { Unit, UnitStep } from '../../types.ts';

type Done = (r: UnitStep) => void;

export function TagForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [epc, setEpc] = useState('');
  const [ok, setOk] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      const r = await units.tag(unit.id, eventId, epc.trim().toUpperCase());
      setOk(t('unit.tagged', { epc: r.unit.epc ?? '' }));
      setEpc('');
      onDone(r);
    });
  };
  return (
    <form class="card step tag-form" onSubmit={submit}>
      <h3>{t('unit.tag')}</h3>
      <Field label={t('unit.epc')}>
        <input name="epc" class="mono" required maxLength={64} pattern="[0-9A-Fa-f]{24}" placeholder="3315…" value={epc} onInput={(e) => setEpc(value(e))} />
      </Field>
      <ProblemBox error={step.error} />
      <Notice>{ok}</Notice>
      <button type="submit" disabled={step.busy}>
        {t('unit.bind')}
      </button>
    </form>
  );
}

const KG = /^(0|[1-9]\d{0,6})(\.\d{1,3})?$/;

export function WeighForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [gross, setGross] = useState('');
  const [tare, setTare] = useState(unit.tareKg ?? '');
  const [ok, setOk] = useState('');
  const net = KG.test(gross) && KG.test(tare) ? Number(gross) - Number(tare) : null;
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      const r = await units.weigh(unit.id, eventId, gross.trim(), tare.trim());
      setOk(t('unit.weighed', { kg: fmtKg(r.unit.netKg) }));
      setGross('');
      onDone(r);
    });
  };
  return (
    <form class="card step weigh-form" onSubmit={submit}>
      <h3>{t('unit.weigh')}</h3>
      <Field label={t('unit.gross')}>
        <input name="grossKg" inputMode="decimal" required pattern="(0|[1-9]\d{0,6})(\.\d{1,3})?" value={gross} onInput={(e) => setGross(value(e))} />
      </Field>
      <Field label={t('unit.tare')}>
        <input name="tareKg" inputMode="decimal" required pattern="(0|[1-9]\d{0,6})(\.\d{1,3})?" value={tare} onInput={(e) => setTare(value(e))} />
      </Field>
      <p class="muted net-preview">
        {t('unit.net')}: {net === null ? '—' : fmtKg(net.toFixed(3))}
      </p>
      <ProblemBox error={step.error} />
      <Notice>{ok}</Notice>
      <button type="submit" disabled={step.busy}>
        {t('unit.record')}
      </button>
    </form>
  );
}

export function StoreForm({ unit, registry, onDone }: { unit: Unit; registry?: Registry; onDone: Done }) {
  const step = useStep();
  const stores = registry?.sites.filter((s) => s.kind === 'storage') ?? [];
  const [siteId, setSite] = useState('');
  const [bay, setBay] = useState('');
  useEffect(() => {
    if (!siteId && stores[0]) setSite(stores[0].id);
  }, [stores.length]);
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => onDone(await units.store(unit.id, eventId, siteId, bay.trim())));
  };
  return (
    <form class="card step store-form" onSubmit={submit}>
      <h3>{t('unit.store')}</h3>
      <Field label={t('unit.facility')}>
        <select name="siteId" required value={siteId} onChange={(e) => setSite(value(e))}>
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('unit.bay')}>
        <input name="bay" required maxLength={40} placeholder="A-01" value={bay} onInput={(e) => setBay(value(e))} />
      </Field>
      <ProblemBox error={step.error} />
      <button type="submit" disabled={step.busy}>
        {t('unit.storeSubmit')}
      </button>
    </form>
  );
}

export function RetrieveForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [reason, setReason] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => onDone(await units.retrieve(unit.id, eventId, reason.trim() || undefined)));
  };
  return (
    <form class="card step retrieve-form" onSubmit={submit}>
      <h3>{t('unit.retrieve')}</h3>
      <Field label={t('unit.reason')}>
        <input name="reason" maxLength={200} value={reason} onInput={(e) => setReason(value(e))} />
      </Field>
      <ProblemBox error={step.error} />
      <button type="submit" disabled={step.busy}>
        {t('unit.retrieveSubmit')}
      </button>
    </form>
  );
}
