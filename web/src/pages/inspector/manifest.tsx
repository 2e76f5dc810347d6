// One manifest's whole chain: its own entries and its units', as a timeline by ledger index; the
// evidence bundle verified here in the browser by ledger/ (each check, each break), and downloaded.
import { useRef, useState } from 'preact/hooks';
import type { EvidenceBundle } from '../../../../ledger/index.ts';
import { blobUrl } from '../../api.ts';
import { Loading, ManifestState, ProblemBox } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { fmtDate, fmtDateTime, t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName, type Registry } from '../../registry.ts';
import { timelineOf, verifyBundle, type Verification } from '../../verify/evidence.ts';
import { inspections, logVkey } from './api.ts';
import { VerificationPanel } from './verification.tsx';

export function ManifestPage({ id }: { id: string }) {
  const reg = useLoad(loadRegistry);
  const manifest = useLoad(() => inspections.manifest(id), [id]);
  const initial = useLoad(() => inspections.evidence(id), [id]);
  const [bundle, setBundle] = useState<EvidenceBundle | undefined>();
  const [result, setResult] = useState<(Verification & { run: number }) | undefined>();
  const runs = useRef(0);
  const verify = useAction();
  const download = useAction();
  const shown = bundle ?? initial.data;

  // The bundle is fetched again for each verification: what is checked is what the server gives now.
  const runVerify = () =>
    verify.run(async () => {
      setResult(undefined);
      const [fresh, vkey] = await Promise.all([inspections.evidence(id), logVkey()]);
      setBundle(fresh);
      runs.current += 1;
      setResult({ ...verifyBundle(fresh, vkey), run: runs.current });
    });

  const runDownload = () =>
    download.run(async () => {
      const a = document.createElement('a');
      a.href = await blobUrl(inspections.evidencePath(id));
      a.download = `manifest-${manifest.data?.number ?? id}.evidence.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
    });

  const m = manifest.data;
  return (
    <section class="manifest-chain">
      <ProblemBox error={manifest.error} />
      {m && (
        <>
          <h1>
            {t('insp.manifest.title')} <span class="mono">{m.number}</span> <ManifestState state={m.state} />
          </h1>
          <dl class="facts">
            <Fact label={t('insp.producer')} value={orgName(reg.data, m.producerOrgId)} />
            <Fact label={t('man.receiver')} value={orgName(reg.data, m.receiverOrgId)} />
            <Fact label={t('man.legs')} value={m.legs.map((l) => `${orgName(reg.data, l.transporterOrgId)} ${l.vehiclePlate}`).join(' → ')} />
            <Fact label={t('man.units')} value={String(m.unitIds.length)} />
            <Fact label={t('man.planned')} value={fmtDate(m.plannedDate)} />
          </dl>
        </>
      )}
      <div class="toolbar">
        <button type="button" class="primary verify" onClick={runVerify} disabled={verify.busy}>
          {verify.busy ? t('insp.verifying') : t('insp.verify')}
        </button>
        <button type="button" class="download-evidence" onClick={runDownload} disabled={download.busy}>
          {t('insp.download')}
        </button>
      </div>
      <ProblemBox error={verify.error ?? download.error} />
      {result && <VerificationPanel result={result} run={result.run} />}
      <h2>{t('insp.timeline')}</h2>
      <Loading when={initial.loading} />
      <ProblemBox error={initial.error} />
      {shown && <Timeline bundle={shown} result={result} reg={reg.data} manifestId={id} />}
    </section>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Timeline({ bundle, result, reg, manifestId }: { bundle: EvidenceBundle; result?: Verification; reg?: Registry; manifestId: string }) {
  const broken = new Map<number, string[]>();
  for (const b of result?.report.breaks ?? []) if (b.index >= 0) broken.set(b.index, [...(broken.get(b.index) ?? []), b.code]);
  const unitNo = new Map<string, number>();
  return (
    <ol class="timeline">
      {timelineOf(bundle).map((e) => {
        const codes = broken.get(e.index);
        const mark = !result ? '' : codes ? 'entry-bad' : 'entry-ok';
        if ('unreadable' in e) {
          return (
            <li key={e.index} data-index={e.index} class={mark}>
              <span class="ledger-index mono">#{e.index}</span> <span class="muted">{t('insp.unreadable')}</span>
              {codes && <span class="break-codes mono">{codes.join(' ')}</span>}
            </li>
          );
        }
        if (e.unit && !unitNo.has(e.unit)) unitNo.set(e.unit, unitNo.size + 1);
        return (
          <li key={e.index} data-index={e.index} data-type={e.type} class={`${mark} ${e.manifest === manifestId ? 'on-manifest' : 'on-unit'}`}>
            <span class="ledger-index mono">#{e.index}</span>
            <time>{fmtDateTime(e.at)}</time>
            <strong>{e.step && e.step !== 'sign' ? tMaybe(`insp.step.${e.step}`, e.step) : tMaybe(`insp.event.${e.type}`, e.type)}</strong>
            <span class="muted">
              {e.unit ? t('insp.unitN', { n: unitNo.get(e.unit)! }) : t('insp.wholeManifest')}
              {' · '}
              {e.by.org ? orgName(reg, e.by.org) : tMaybe(`role.${e.by.role}`, e.by.role ?? '')}
            </span>
            {e.missing > 0 && <span class="warning">{t('insp.leftBehind', { n: e.missing })}</span>}
            {codes && <span class="break-codes mono">{codes.join(' ')}</span>}
          </li>
        );
      })}
    </ol>
  );
}
