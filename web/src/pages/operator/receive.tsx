// Receiving one arrived manifest: scan each drum (an EPC typed or sent by a keyboard-wedge reader,
// or a QR label's URL), weigh it (typed, or the scale's latest reading), accept it or refuse it
// with a reason, and sign the receipt: one step that decides on every drum that arrived.
import { useRef, useState } from 'preact/hooks';
import { manifests } from '../../api.ts';
import { Loading, ManifestState, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad, useStep } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { Link } from '../../router.tsx';
import type { Unit } from '../../types.ts';
import { gate, receiving, type Decision } from './api.ts';
import { latestWeighing } from './gate-match.ts';
import { ReceiptRow, type Choice } from './receipt-row.tsx';
import { KG, netOf, unitForScan, type Weights } from './scan.ts';

const ACCEPT: Choice = { accept: true, reason: '', discrepancy: '' };

function decisionOf(u: Unit, w: Weights | undefined, c: Choice): Decision {
  const weighed = w && netOf(w) !== null ? { grossKg: w.gross.trim(), tareKg: w.tare.trim() } : {};
  return c.accept ? { unitId: u.id, accept: true, ...weighed } : { unitId: u.id, accept: false, ...weighed, reason: c.reason.trim(), discrepancy: c.discrepancy as 'quantity' | 'type' };
}

export function ReceivePage({ id }: { id: string }) {
  const reg = useLoad(loadRegistry);
  const m = useLoad(() => manifests.one(id), [id]);
  const units = useLoad(() => receiving.units(id), [id]);
  const scale = useLoad(() => gate.activity(1));
  const [scanned, setScanned] = useState<Set<string>>(new Set());
  const [weights, setWeights] = useState<Record<string, Weights>>({});
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [scan, setScan] = useState('');
  const [scanNote, setScanNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [done, setDone] = useState('');
  const step = useStep();
  const scanInput = useRef<HTMLInputElement>(null);

  const onTruck = (units.data ?? []).filter((u) => u.state === 'loaded');
  const notArrived = (units.data ?? []).filter((u) => u.state !== 'loaded');
  const weightsOf = (u: Unit) => weights[u.id] ?? { gross: '', tare: u.tareKg ?? '' };
  const choiceOf = (u: Unit) => choices[u.id] ?? ACCEPT;
  const reading = latestWeighing(scale.data);

  const onScan = (e: Event) => {
    e.preventDefault();
    const text = scan.trim();
    const u = unitForScan(text, onTruck);
    if (!u) setScanNote({ ok: false, text: t('op.receive.unknownScan', { code: text }) });
    else if (scanned.has(u.id)) setScanNote({ ok: true, text: t('op.receive.again', { code: u.hjCode }) });
    else {
      setScanned(new Set([...scanned, u.id]));
      setScanNote({ ok: true, text: t('op.receive.scannedOne', { code: u.hjCode, n: scanned.size + 1, total: onTruck.length }) });
    }
    setScan('');
    scanInput.current?.focus(); // a keyboard-wedge reader types the next tag straight in
  };

  // What still stands between the page and the signature, drum by drum.
  const missing = onTruck.flatMap((u) => {
    const c = choiceOf(u);
    if (!c.accept) return c.reason.trim() && c.discrepancy ? [] : [t('op.receive.needsReason', { code: u.hjCode })];
    const w = weightsOf(u);
    if (!scanned.has(u.id)) return [t('op.receive.needsScan', { code: u.hjCode })];
    if (!KG.test(w.gross.trim()) || netOf(w) === null) return [t('op.receive.needsWeight', { code: u.hjCode })];
    return [];
  });
  const refused = onTruck.filter((u) => !choiceOf(u).accept).length;
  const outcome = refused === 0 ? 'accepted' : refused === onTruck.length ? 'refused' : 'partially_accepted';

  const sign = () =>
    step.run(async (eventId) => {
      const r = await receiving.receive(id, eventId, onTruck.map((u) => decisionOf(u, weightsOf(u), choiceOf(u))));
      setDone(t('op.receive.signed', { number: r.manifest.number, outcome: tMaybe(`op.outcome.${outcome}`, outcome) }));
      m.reload();
      units.reload();
    });

  if (!m.data || !units.data) {
    return (
      <section>
        <Loading when={m.loading || units.loading} />
        <ProblemBox error={m.error ?? units.error} />
      </section>
    );
  }
  const man = m.data;
  return (
    <section class="receive" data-manifest={man.id}>
      <h1>
        {t('op.receive.title')} <span class="mono">{man.number}</span> <ManifestState state={man.state} />
      </h1>
      <p>{t('op.truck.from', { org: orgName(reg.data, man.producerOrgId), n: man.unitIds.length })}</p>
      <Notice>{done}</Notice>
      {man.state !== 'arrived' ? (
        <p>
          {man.state === 'received' ? <Link href="/operator/treatment" class="button primary">{t('op.receive.toTreatment')}</Link> : t('op.receive.notArrived')}
        </p>
      ) : (
        <>
          <form class="scan-form" onSubmit={onScan}>
            <input ref={scanInput} name="scan" class="mono" autoFocus autoComplete="off" placeholder={t('op.receive.scanHint')} value={scan} onInput={(e) => setScan(value(e))} />
            <button type="submit">{t('op.receive.scan')}</button>
            <span class="scan-count">{t('op.receive.count', { n: scanned.size, total: onTruck.length })}</span>
          </form>
          {scanNote && <p class={scanNote.ok ? 'notice scan-note' : 'warning scan-note'} role="status">{scanNote.text}</p>}
          <div class="toolbar">
            <button type="button" class="refresh-scale" onClick={scale.reload}>{t('op.receive.readScale')}</button>
            <span class="muted">{reading ? t('op.receive.scaleNow', { kg: reading.grossKg ?? '' }) : t('op.receive.noScale')}</span>
          </div>
          <table class="receipt">
            <thead>
              <tr>
                <th>{t('col.hjCode')}</th>
                <th>{t('op.receive.scanCol')}</th>
                <th class="num">{t('op.receive.producerNet')}</th>
                <th>{t('op.receive.weighCol')}</th>
                <th class="num">{t('col.net')}</th>
                <th>{t('op.receive.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {onTruck.map((u) => (
                <ReceiptRow
                  key={u.id}
                  unit={u}
                  scanned={scanned.has(u.id)}
                  weights={weightsOf(u)}
                  choice={choiceOf(u)}
                  scaleKg={reading?.grossKg ?? undefined}
                  onWeights={(w) => setWeights({ ...weights, [u.id]: w })}
                  onChoice={(c) => setChoices({ ...choices, [u.id]: c })}
                />
              ))}
            </tbody>
          </table>
          {notArrived.length > 0 && <p class="warning not-arrived">{t('op.receive.notOnTruck', { codes: notArrived.map((u) => u.hjCode).join(', ') })}</p>}
          <ul class="missing">{missing.map((text) => <li key={text}>{text}</li>)}</ul>
          <p class="outcome">{t('op.receive.outcome')}: <strong>{tMaybe(`op.outcome.${outcome}`, outcome)}</strong></p>
          <ProblemBox error={step.error} />
          <button type="button" class="primary sign-receipt" disabled={missing.length > 0 || step.busy || onTruck.length === 0} onClick={sign}>
            {t('op.receive.sign')}
          </button>
        </>
      )}
    </section>
  );
}
