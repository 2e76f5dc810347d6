// One load at the truck: each drum scanned (the label's QR with the camera, or a tag's EPC from
// an RFID handheld typing into the field), a big tally of what is loaded and what is missing,
// and the driver's signature on the pickup or handover, queued in the outbox like every step.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fmtDate, fmtKg, t } from '../../i18n/index.ts';
import { kv } from '../../offline/db.ts';
import { NoReservedIds, record } from '../../offline/outbox.ts';
import type { Unit } from '../../types.ts';
import { Camera } from './camera.tsx';
import { expectedUnits, loadedByReader, type Load } from './loads.ts';
import { unitFor } from './match.ts';
import { OrgName } from './parts.tsx';

type Feedback = { tone: 'ok' | 'again' | 'bad'; text: string };

export function ScanPage({ load, personId, onDone }: { load: Load; personId: string; onDone: (msg: string) => void }) {
  const m = load.manifest;
  const draftKey = `${personId}:scan:${m.id}:${load.kind}`;
  const expected = expectedUnits(load);
  const [scanned, setScanned] = useState<string[]>([]);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [camera, setCamera] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  // Scans in progress survive a reload (no signal, a flat battery).
  useEffect(() => void kv.get<string[]>(draftKey).then((ids) => ids && setScanned(ids)), [draftKey]);
  const keep = (ids: string[]) => {
    setScanned(ids);
    setConfirming(false);
    void kv.set(draftKey, ids);
  };

  const isLoaded = (u: Unit) => scanned.includes(u.id) || loadedByReader(load, u);
  const loaded = expected.filter(isLoaded);
  const missing = expected.filter((u) => !isLoaded(u));
  const loadedKg = loaded.reduce((sum, u) => sum + Number(u.netKg ?? 0), 0);

  function scan(raw: string) {
    const text = raw.trim();
    if (!text) return;
    const u = unitFor(expected, text);
    if (!u) setFeedback({ tone: 'bad', text: t('driver.scan.unknown', { code: text }) });
    else if (isLoaded(u)) setFeedback({ tone: 'again', text: t('driver.scan.again', { hj: u.hjCode }) });
    else {
      keep([...scanned, u.id]);
      setFeedback({ tone: 'ok', text: t('driver.scan.ok', { hj: u.hjCode }) });
      navigator.vibrate?.(60);
    }
  }

  const submitWedge = (e: Event) => {
    e.preventDefault();
    scan(input.current!.value);
    input.current!.value = '';
    input.current!.focus();
  };
  // A handheld that sends no Enter: a whole EPC typed in is a scan.
  const onInput = () => {
    if (/^[0-9a-f]{24}$/i.test(input.current!.value.trim())) submitWedge(new Event('submit'));
  };

  async function sign() {
    if (missing.length > 0 && !confirming) return setConfirming(true);
    setBusy(true);
    setProblem(null);
    try {
      await record(personId, {
        kind: load.kind, manifestId: m.id, manifestNumber: m.number, vehiclePlate: load.vehiclePlate,
        scannedUnitIds: expected.filter((u) => scanned.includes(u.id)).map((u) => u.id),
      });
      await kv.del(draftKey);
      onDone(t(load.kind === 'pickup' ? 'driver.done.pickup' : 'driver.done.handover', { number: m.number }));
    } catch (e) {
      setProblem(e instanceof NoReservedIds ? t('driver.noIds') : String((e as Error).message ?? e));
    } finally {
      setBusy(false);
    }
  }

  const complete = missing.length === 0;
  return (
    <section class="driver-scan" data-manifest={m.id} data-kind={load.kind}>
      <h1>
        {t(`driver.kind.${load.kind}` as const)} · {m.number}
      </h1>
      <p class="muted">
        <OrgName id={m.producerOrgId} /> → <OrgName id={m.receiverOrgId} /> · {t('driver.vehicle')} {load.vehiclePlate} · {fmtDate(m.plannedDate)}
      </p>

      <div class={`tally ${complete ? 'complete' : 'short'}`} aria-live="polite">
        <div class="tally-count">
          <span class="tally-loaded">{loaded.length}</span> / <span class="tally-expected">{expected.length}</span> {t('driver.drums')}
        </div>
        <div class="tally-missing" data-missing={missing.length}>
          {complete ? t('driver.tally.complete') : t('driver.tally.missing', { n: missing.length })}
        </div>
        <div class="tally-kg">{t('driver.tally.kg', { kg: fmtKg(loadedKg) })}</div>
        <div class="tally-bar">
          <span style={{ width: `${expected.length ? (100 * loaded.length) / expected.length : 0}%` }} />
        </div>
      </div>

      <form class="wedge" onSubmit={submitWedge}>
        <label class="field">
          <span class="field-label">{t('driver.scan.label')}</span>
          <input ref={input} name="scan" autoFocus autoComplete="off" autoCapitalize="off" spellcheck={false} onInput={onInput} placeholder={t('driver.scan.placeholder')} />
        </label>
        <button type="submit" class="big">
          {t('driver.scan.add')}
        </button>
      </form>
      {camera ? (
        <Camera onCode={scan} onClose={() => setCamera(false)} />
      ) : (
        <button type="button" class="big camera-open" onClick={() => setCamera(true)}>
          {t('driver.camera.open')}
        </button>
      )}
      {feedback && (
        <p class={`scan-feedback ${feedback.tone}`} role="status">
          {feedback.text}
        </p>
      )}

      <ul class="drums">
        {[...missing, ...loaded].map((u) => (
          <li key={u.id} data-unit={u.id} class={isLoaded(u) ? 'loaded' : 'missing'}>
            <span class="mark" aria-hidden="true">{isLoaded(u) ? '✓' : '○'}</span>
            <span class="drum">
              <strong class="mono">{u.hjCode}</strong>
              <span>
                {u.name} · {u.wasteCode} · {fmtKg(u.netKg)}
              </span>
              <span class="muted mono">{u.epc ?? t('driver.noTag')}</span>
            </span>
            {scanned.includes(u.id) && (
              <button type="button" class="undo" onClick={() => keep(scanned.filter((id) => id !== u.id))}>
                {t('driver.scan.undo')}
              </button>
            )}
          </li>
        ))}
      </ul>

      {confirming && <p class="warning confirm-missing">{t('driver.sign.confirmMissing', { n: missing.length })}</p>}
      {problem && (
        <div class="problem" role="alert">
          {problem}
        </div>
      )}
      <button type="button" class="big primary sign" disabled={busy || scanned.length === 0} onClick={sign}>
        {confirming ? t('driver.sign.anyway', { n: missing.length }) : t(load.kind === 'handover' ? 'driver.sign.handover' : 'driver.sign.pickup', { n: loaded.length })}
      </button>
    </section>
  );
}
