// The organisation's transfer manifests: state, parties, who acts next; sign a draft here.
import { useState } from 'preact/hooks';
import { manifests } from '../../api.ts';
import { Loading, ManifestState, Notice, ProblemBox } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDate, fmtDateTime, t } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { Legs, mySignature, NextTurns, SignButton } from './manifest-parts.tsx';

export function ManifestsPage() {
  const reg = useLoad(loadRegistry);
  const list = useLoad(() => manifests.list());
  const [notice, setNotice] = useState('');

  return (
    <section>
      <h1>{t('man.title')}</h1>
      <div class="toolbar">
        <Link href="/producer/manifests/new" class="button primary">
          {t('man.new')}
        </Link>
        <button type="button" onClick={list.reload}>
          {t('app.refresh')}
        </button>
      </div>
      <Notice>{notice}</Notice>
      <Loading when={list.loading} />
      <ProblemBox error={list.error} />
      {list.data && list.data.length === 0 && <p class="muted">{t('app.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <table class="manifests">
          <thead>
            <tr>
              <th>{t('man.number')}</th>
              <th>{t('man.state')}</th>
              <th>{t('man.receiver')}</th>
              <th>{t('man.legs')}</th>
              <th class="num">{t('man.units')}</th>
              <th>{t('man.planned')}</th>
              <th>{t('man.created')}</th>
              <th>{t('man.next')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((m) => (
              <tr key={m.id} data-manifest={m.id}>
                <td class="mono">{m.number}</td>
                <td>
                  <ManifestState state={m.state} />
                </td>
                <td>{orgName(reg.data, m.receiverOrgId)}</td>
                <td>
                  <Legs legs={m.legs} reg={reg.data} />
                </td>
                <td class="num">{m.unitIds.length}</td>
                <td>{fmtDate(m.plannedDate)}</td>
                <td>{fmtDateTime(m.createdAt)}</td>
                <td>
                  {mySignature(m) ? (
                    <SignButton
                      manifest={m}
                      label={t('man.sign')}
                      onDone={(r) => {
                        setNotice(t('man.signed', { number: r.manifest.number }));
                        list.reload();
                      }}
                    />
                  ) : (
                    <NextTurns next={m.next} reg={reg.data} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
