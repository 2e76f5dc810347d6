// Whom to inspect: the risk ranking of the region's organisations, and a pick list drawn from it
// (the same seed gives the same list; without one, today's list).
import { useState } from 'preact/hooks';
import { Field, Loading, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { inspections } from './api.ts';

const fmt = (n: number, digits = 1) => n.toFixed(digits);

export function RiskPage() {
  const risk = useLoad(inspections.risk);
  const [count, setCount] = useState(3);
  const [seed, setSeed] = useState('');
  const [asked, setAsked] = useState({ count: 3, seed: '' });
  const picks = useLoad(() => inspections.pickList(asked.count, asked.seed || undefined), [asked.count, asked.seed]);

  return (
    <section>
      <h1>{t('insp.risk.title')}</h1>
      <Loading when={risk.loading} />
      <ProblemBox error={risk.error} />
      {risk.data && (
        <table class="risk">
          <thead>
            <tr>
              <th class="num">#</th>
              <th>{t('insp.col.org')}</th>
              <th class="num">{t('insp.col.score')}</th>
              <th class="num">{t('insp.col.open')}</th>
              <th class="num">{t('insp.part.openFindings')}</th>
              <th class="num">{t('insp.part.resolvedFindings')}</th>
              <th class="num">{t('insp.part.overdueStorage')}</th>
              <th class="num">{t('insp.part.discrepancies')}</th>
            </tr>
          </thead>
          <tbody>
            {risk.data.map((o, i) => (
              <tr key={o.orgId} data-org={o.orgId}>
                <td class="num">{i + 1}</td>
                <td>
                  {o.name} <span class="muted small">{tMaybe(`insp.kind.${o.kind}`, o.kind)}</span>
                </td>
                <td class="num score">{fmt(o.score)}</td>
                <td class="num">{o.open}</td>
                <td class="num">{fmt(o.parts.openFindings)}</td>
                <td class="num">{fmt(o.parts.resolvedFindings)}</td>
                <td class="num">{fmt(o.parts.overdueStorage)}</td>
                <td class="num">{fmt(o.parts.discrepancies)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('insp.pick.title')}</h2>
      <p class="muted">{t('insp.pick.how')}</p>
      <form
        class="toolbar pick-form"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ count, seed });
        }}
      >
        <Field label={t('insp.pick.count')}>
          <input name="count" type="number" min={1} max={50} value={count} onInput={(e) => setCount(Number(value(e)) || 1)} />
        </Field>
        <Field label={t('insp.pick.seed')} hint={t('insp.pick.seedHint')}>
          <input name="seed" inputMode="numeric" pattern="[0-9]{1,10}" value={seed} onInput={(e) => setSeed(value(e))} />
        </Field>
        <button type="submit" class="primary">
          {t('insp.pick.draw')}
        </button>
      </form>
      <ProblemBox error={picks.error} />
      {picks.data && (
        <>
          <p class="muted">{t('insp.pick.seedUsed', { seed: picks.data.seed })}</p>
          <ol class="pick-list">
            {picks.data.picks.map((p) => (
              <li key={p.orgId} data-org={p.orgId}>
                <strong>{p.name}</strong>{' '}
                <span class="muted">{t('insp.pick.chance', { score: fmt(p.score), chance: fmt(p.chanceFirst * 100) })}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
