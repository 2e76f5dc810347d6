// The roles whose pages come next (driver, operator, inspector, admin): who you are, and what waits.
import { manifests } from '../api.ts';
import { ManifestState, ProblemBox, Loading } from '../components/ui.tsx';
import { useLoad } from '../hooks.ts';
import { fmtDate, t, tMaybe } from '../i18n/index.ts';

export function PendingPage({ role }: { role: string }) {
  const waiting = useLoad(manifests.waiting);
  return (
    <section>
      <h1>{t('pending.title', { role: tMaybe(`role.${role}`, role) })}</h1>
      <p>{t('pending.body')}</p>
      <h2>{t('pending.waiting')}</h2>
      <Loading when={waiting.loading} />
      <ProblemBox error={waiting.error} />
      {waiting.data && waiting.data.length === 0 && <p class="muted">{t('app.empty')}</p>}
      <ul>
        {waiting.data?.map((m) => (
          <li key={m.id}>
            {m.number} <ManifestState state={m.state} /> {fmtDate(m.plannedDate)}
          </li>
        ))}
      </ul>
    </section>
  );
}
