// The producer's steps on one drum: bind its tag, weigh it, store it, take it out of storage.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { devices, units } from '../../api.ts';
import { Field, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { type StepAction, useStep } from '../../hooks.ts';
import { fmtKg, t } from '../../i18n/index.ts';
import type { Registry } from '../../registry.ts';
import type { Unit, UnitStep } from '../../types.ts';

type Done = (r: UnitStep) => void;

/** A step's card: its title, fields, the step's problem, a notice once done, and the submit button. */
function StepForm(props: { class: string; title: string; submit: string; step: StepAction; error?: unknown; ok?: string; onSubmit: () => void; children: ComponentChildren }) {
  const { step } = props;
  const submit = (e: Event) => {
    e.preventDefault();
    props.onSubmit();
  };
  return (
    <form class={`card step ${props.class}`} onSubmit={submit}>
      <h3>{props.title}</h3>
      {props.children}
      <ProblemBox error={props.error ?? step.error} />
      <Notice>{props.ok}</Notice>
      <button type="submit" disabled={step.busy}>
        {props.submit}
      </button>
    </form>
  );
}

/** How long the tag form waits for a reader, and how often it asks. */
const READ_FOR_MS = 60_000;
const POLL_MS = 1000;

export function TagForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [epc, setEpc] = useState('');
  const [ok, setOk] = useState('');
  // Reading from a reader: seconds left while waiting, what was read (or that nothing was), a failed poll.
  const [waiting, setWaiting] = useState<number | null>(null);
  const [readNote, setReadNote] = useState('');
  const [readError, setReadError] = useState<unknown>(undefined);
  const stopReading = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopReading.current?.(), []);

  const readFromReader = async () => {
    stopReading.current?.();
    let stopped = false;
    const stop = () => {
      stopped = true;
      setWaiting(null);
      if (stopReading.current === stop) stopReading.current = undefined;
    };
    stopReading.current = stop;
    setReadNote('');
    setReadError(undefined);
    const started = Date.now();
    setWaiting(READ_FOR_MS / 1000);
    try {
      // Reads newer than the click, by the server's clock (the browser's may be off).
      const { now: since } = await devices.unboundTags();
      while (!stopped && Date.now() - started < READ_FOR_MS) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        if (stopped) return;
        setWaiting(Math.max(0, Math.ceil((READ_FOR_MS - (Date.now() - started)) / 1000)));
        const [tag] = (await devices.unboundTags(since)).tags;
        if (stopped) return;
        if (tag) {
          setEpc(tag.epc);
          setReadNote(t('unit.readFrom', { device: tag.deviceId, epc: tag.epc }));
          stop();
          return;
        }
      }
      if (!stopped) {
        setReadNote(t('unit.readTimeout'));
        stop();
      }
    } catch (e) {
      if (!stopped) {
        setReadError(e);
        stop();
      }
    }
  };

  const submit = () => {
    stopReading.current?.();
    void step.run(async (eventId) => {
      const r = await units.tag(unit.id, eventId, epc.trim().toUpperCase());
      setOk(t('unit.tagged', { epc: r.unit.epc ?? '' }));
      setEpc('');
      setReadNote('');
      onDone(r);
    });
  };
  return (
    <StepForm class="tag-form" title={t('unit.tag')} submit={t('unit.bind')} step={step} error={readError} ok={ok} onSubmit={submit}>
      <Field label={t('unit.epc')}>
        <input name="epc" class="mono" required maxLength={64} pattern="[0-9A-Fa-f]{24}" placeholder="3315…" value={epc} onInput={(e) => setEpc(value(e))} />
      </Field>
      {waiting === null ? (
        <button type="button" class="read-tag" onClick={() => void readFromReader()}>
          {t('unit.readTag')}
        </button>
      ) : (
        <p class="tag-waiting muted" role="status" aria-busy="true">
          {t('unit.readWaiting', { s: waiting })}{' '}
          <button type="button" class="read-cancel" onClick={() => stopReading.current?.()}>
            {t('unit.readCancel')}
          </button>
        </p>
      )}
      {readNote && <p class="tag-read muted">{readNote}</p>}
    </StepForm>
  );
}

const KG = /^(0|[1-9]\d{0,6})(\.\d{1,3})?$/;

export function WeighForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [gross, setGross] = useState('');
  const [tare, setTare] = useState(unit.tareKg ?? '');
  const [ok, setOk] = useState('');
  const net = KG.test(gross) && KG.test(tare) ? Number(gross) - Number(tare) : null;
  const submit = () => {
    void step.run(async (eventId) => {
      const r = await units.weigh(unit.id, eventId, gross.trim(), tare.trim());
      setOk(t('unit.weighed', { kg: fmtKg(r.unit.netKg) }));
      setGross('');
      onDone(r);
    });
  };
  return (
    <StepForm class="weigh-form" title={t('unit.weigh')} submit={t('unit.record')} step={step} ok={ok} onSubmit={submit}>
      <Field label={t('unit.gross')}>
        <input name="grossKg" inputMode="decimal" required pattern="(0|[1-9]\d{0,6})(\.\d{1,3})?" value={gross} onInput={(e) => setGross(value(e))} />
      </Field>
      <Field label={t('unit.tare')}>
        <input name="tareKg" inputMode="decimal" required pattern="(0|[1-9]\d{0,6})(\.\d{1,3})?" value={tare} onInput={(e) => setTare(value(e))} />
      </Field>
      <p class="muted net-preview">
        {t('unit.net')}: {net === null ? '—' : fmtKg(net.toFixed(3))}
      </p>
    </StepForm>
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
  const submit = () => {
    void step.run(async (eventId) => onDone(await units.store(unit.id, eventId, siteId, bay.trim())));
  };
  return (
    <StepForm class="store-form" title={t('unit.store')} submit={t('unit.storeSubmit')} step={step} onSubmit={submit}>
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
    </StepForm>
  );
}

export function RetrieveForm({ unit, onDone }: { unit: Unit; onDone: Done }) {
  const step = useStep();
  const [reason, setReason] = useState('');
  const submit = () => {
    void step.run(async (eventId) => onDone(await units.retrieve(unit.id, eventId, reason.trim() || undefined)));
  };
  return (
    <StepForm class="retrieve-form" title={t('unit.retrieve')} submit={t('unit.retrieveSubmit')} step={step} onSubmit={submit}>
      <Field label={t('unit.reason')}>
        <input name="reason" maxLength={200} value={reason} onInput={(e) => setReason(value(e))} />
      </Field>
    </StepForm>
  );
}
