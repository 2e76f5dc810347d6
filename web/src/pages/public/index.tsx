// The public page behind a drum's QR (/8003/{grai}): open to anyone, no login. What the drum is,
// where it is in its life, when it was last seen, the proof that this record is in the signed log
// (checked in the visitor's browser), and a form to report a problem.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { LangSwitch } from '../../components/lang-switch.tsx';
import { Loading, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDateTime, getLang, onLang, t, tMaybe } from '../../i18n/index.ts';
import { publicApi } from './api.ts';
import { RecordProof } from './proof.tsx';
import { ReportForm } from './report-form.tsx';

const STAGES = ['producer', 'transport', 'receiver', 'treated'] as const;
const STAGE_OF: Record<string, string> = {
  registered: 'producer', stored: 'producer', retrieved: 'producer', loaded: 'transport', unloaded: 'transport',
  received: 'receiver', refused: 'refused', disposed: 'treated',
};

export function PublicPage({ path }: { path: string }) {
  const [, setLangNow] = useState(getLang());
  useEffect(() => onLang(setLangNow), []);
  const code = path.slice('/8003/'.length);
  const drum = useLoad(() => publicApi.drum(code), [code]);
  const missing = drum.error instanceof ApiError && (drum.error.status === 404 || drum.error.status === 400);

  const d = drum.data;
  const stage = d ? (STAGE_OF[d.state] ?? 'producer') : undefined;
  return (
    <div class="public-page">
      <header class="top">
        <strong class="brand">{t('pub.title')}</strong>
        <span class="spacer" />
        <LangSwitch />
      </header>
      <main>
        <Loading when={drum.loading} />
        {missing && <h1 class="not-tracked">{(drum.error as ApiError).status === 400 ? t('pub.badCode') : t('pub.notTracked')}</h1>}
        <ProblemBox error={drum.error} />
        {d && (
          <>
            <h1 class="tracked">{t('pub.tracked')}</h1>
            <dl class="facts drum-facts">
              <Fact name="grai" label={t('pub.grai')} value={d.grai} mono />
              <Fact name="category" label={t('pub.what')} value={d.wasteCategory} />
              <Fact name="code" label={t('pub.code')} value={d.wasteCode} mono />
              <Fact name="producer" label={t('pub.producer')} value={d.producer} />
              <Fact name="registered" label={t('pub.registered')} value={fmtDateTime(d.registeredAt)} />
              <Fact
                name="last-seen"
                label={t('pub.lastSeen')}
                value={d.lastSeen ? `${fmtDateTime(d.lastSeen.at)} · ${tMaybe(`insp.event.${d.lastSeen.event}`, d.lastSeen.event)}` : '—'}
              />
            </dl>
            <h2>{t('pub.life')}</h2>
            <ol class="life-stages" data-stage={stage}>
              {(stage === 'refused' ? [...STAGES.slice(0, 3), 'refused'] : STAGES).map((s) => (
                <li key={s} class={s === stage ? 'current' : ''} aria-current={s === stage ? 'step' : undefined}>
                  {tMaybe(`pub.stage.${s}`, s)}
                </li>
              ))}
            </ol>
            <p class="muted">{t('pub.entries', { n: d.entries })}</p>
            <h2>{t('pub.proof.title')}</h2>
            <RecordProof drum={d} />
            <ReportForm code={code} />
          </>
        )}
      </main>
    </div>
  );
}

function Fact({ name, label, value, mono }: { name: string; label: string; value: string; mono?: boolean }) {
  return (
    <div data-fact={name}>
      <dt>{label}</dt>
      <dd class={mono ? 'mono' : ''}>{value}</dd>
    </div>
  );
}
