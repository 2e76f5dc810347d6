// Small pieces of the driver's pages: organisation names (from the loads list, so they show
// without signal too), the signal banner, and what became of a step.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { fmtDateTime, getLang, t } from '../../i18n/index.ts';
import type { KeptStep } from '../../offline/outbox.ts';
import type { Loads } from './loads.ts';

export const Orgs = createContext<Loads['orgs']>({});

export function OrgName({ id }: { id: string }) {
  const o = useContext(Orgs)[id];
  return <>{o ? (getLang() === 'en' && o.nameEn) || o.name : id}</>;
}

export function SignalBanner({ online, fetchedAt, shellReady }: { online: boolean; fetchedAt?: string; shellReady: boolean }) {
  return (
    <div class={`signal ${online ? 'online' : 'offline'}`} role="status">
      <strong>{online ? t('driver.online') : t('driver.offline')}</strong>
      {online && shellReady && <span class="muted"> · {t('driver.shellReady')}</span>}
      {!online && <span> {t('driver.offlineHint')}</span>}
      {!online && fetchedAt && <span class="muted"> · {t('driver.asOf', { at: fmtDateTime(fetchedAt) })}</span>}
    </div>
  );
}

/** A step the server has answered: waiting for an earlier step, sealed (with its index), or refused with the reason. */
export function KeptStatus({ step }: { step: KeptStep }) {
  const o = step.outcome;
  switch (step.status) {
    case 'sealed':
      return <span class="badge step-sealed">{t('driver.step.sealed', { index: o?.entries?.[0]?.index ?? '—' })}</span>;
    case 'pending':
      return (
        <span class="badge step-pending">
          {t('driver.step.pending')}
          {o?.waitingFor ? `: ${o.waitingFor}` : ''}
        </span>
      );
    default:
      return (
        <span class="step-problem">
          <span class={`badge step-${step.status}`}>{t(step.status === 'conflict' ? 'driver.step.conflict' : 'driver.step.refused')}</span>{' '}
          <span class="reason">
            <span class="mono">{o?.code}</span> {o?.detail}
          </span>
        </span>
      );
  }
}
