// The driver's start page: the loads waiting for this driver (today's first), loads under way
// to depart, and the outbox — what waits to be sent, what was sealed, what the server refused.
import { fmtDate, fmtDateTime, fmtKg, t, tMaybe, today } from '../../i18n/index.ts';
import type { KeptStep, QueuedStep } from '../../offline/outbox.ts';
import { Link } from '../../router.tsx';
import type { Load, Loads } from './loads.ts';
import { KeptStatus, OrgName } from './parts.tsx';
import { SigningKey } from './signing-key.tsx';

export interface OutboxState {
  queued: QueuedStep[];
  kept: KeptStep[];
  ids: number;
  sending: boolean;
}

/** The latest word on a load's step: queued on the phone, or what the server made of it. */
export function stepOf(load: Load, box: OutboxState): QueuedStep | KeptStep | undefined {
  const same = (s: { manifestId: string; kind: string }) => s.manifestId === load.manifest.id && s.kind === load.kind;
  return box.queued.filter(same).at(-1) ?? box.kept.filter(same).sort((a, b) => b.deviceAt.localeCompare(a.deviceAt))[0];
}

const isKept = (s: QueuedStep | KeptStep): s is KeptStep => 'status' in s;
/** A step queued, waiting or sealed stands; one in conflict or refused leaves the load to do again. */
const stands = (s: QueuedStep | KeptStep | undefined) => s !== undefined && (!isKept(s) || s.status === 'pending' || s.status === 'sealed');

function StepBadge({ step }: { step: QueuedStep | KeptStep | undefined }) {
  if (!step) return null;
  return isKept(step) ? <KeptStatus step={step} /> : <span class="badge step-queued">{t('driver.step.queued')}</span>;
}

function LoadCard({ load, box, onDepart }: { load: Load; box: OutboxState; onDepart: (l: Load) => void }) {
  const m = load.manifest;
  const step = stepOf(load, box);
  const kg = load.units.reduce((sum, u) => sum + Number(u.netKg ?? 0), 0);
  const body = (
    <>
      <div class="load-head">
        <strong class="load-number">{m.number}</strong>
        <span class={`badge kind-${load.kind}`}>{t(`driver.kind.${load.kind}` as const)}</span>
        {m.plannedDate === today() && <span class="badge today">{t('driver.today')}</span>}
      </div>
      <div>
        <OrgName id={m.producerOrgId} /> → <OrgName id={m.receiverOrgId} />
      </div>
      <div class="muted">
        {t('driver.vehicle')} {load.vehiclePlate} · {fmtDate(m.plannedDate)} · {t('driver.drumCount', { n: load.units.length })} · {fmtKg(kg)}
      </div>
      <StepBadge step={step} />
    </>
  );
  const attrs = { class: `load-card ${stands(step) ? 'done' : ''}`, 'data-manifest': m.id, 'data-kind': load.kind };
  if (load.kind === 'departure') {
    return (
      <li {...attrs}>
        {body}
        {!stands(step) && (
          <button type="button" class="big primary depart" onClick={() => onDepart(load)}>
            {t('driver.depart')}
          </button>
        )}
      </li>
    );
  }
  return <li {...attrs}>{stands(step) ? body : <Link href={`/driver/load/${encodeURIComponent(m.id)}/${load.kind}`}>{body}</Link>}</li>;
}

export function HomePage({ personId, loads, box, onDepart, onSend }: { personId: string; loads: Loads | undefined; box: OutboxState; onDepart: (l: Load) => void; onSend: () => void }) {
  const todo = loads?.loads.filter((l) => l.kind !== 'departure') ?? [];
  const underWay = loads?.loads.filter((l) => l.kind === 'departure') ?? [];
  return (
    <section class="driver-home">
      <h1>{t('driver.title')}</h1>
      {loads === undefined && <p class="muted">{t('app.loading')}</p>}
      {loads && todo.length === 0 && <p class="muted empty-loads">{t('driver.nothing')}</p>}
      <ul class="loads">
        {todo.map((l) => (
          <LoadCard key={`${l.manifest.id}-${l.kind}`} load={l} box={box} onDepart={onDepart} />
        ))}
      </ul>
      {underWay.length > 0 && (
        <>
          <h2>{t('driver.underWay')}</h2>
          <ul class="loads">
            {underWay.map((l) => (
              <LoadCard key={`${l.manifest.id}-${l.kind}`} load={l} box={box} onDepart={onDepart} />
            ))}
          </ul>
        </>
      )}

      <h2>{t('driver.outbox')}</h2>
      <div class="outbox">
        <p class="outbox-summary">
          <span class="queued-count" data-n={box.queued.length}>
            {t('driver.outbox.queued', { n: box.queued.length })}
          </span>{' '}
          · <span class="muted">{t('driver.outbox.ids', { n: box.ids })}</span>
        </p>
        {box.queued.length > 0 && (
          <button type="button" class="big send-now" disabled={box.sending} onClick={onSend}>
            {box.sending ? t('driver.outbox.sending') : t('driver.outbox.send')}
          </button>
        )}
        <ul class="steps-list">
          {box.queued.map((s) => (
            <li key={s.eventId} data-event={s.eventId} class="queued">
              <StepBadge step={s} /> {s.signature && <span class="badge step-signed">{t('driver.step.signed')}</span>} {t(`driver.kind.${s.kind}` as const)} · {s.manifestNumber} · {fmtDateTime(s.at)}
              {s.scannedUnitIds && ` · ${t('driver.drumCount', { n: s.scannedUnitIds.length })}`}
            </li>
          ))}
          {box.kept.map((s) => (
            <li key={s.eventId} data-event={s.eventId} class={`kept ${s.status}`}>
              <StepBadge step={s} /> {tMaybe(`driver.kind.${s.kind}`, s.kind)} · {s.manifestNumber ?? numberOf(loads, s.manifestId)} · {fmtDateTime(s.deviceAt)}
            </li>
          ))}
        </ul>
      </div>

      <h2>{t('driver.key.title')}</h2>
      <SigningKey personId={personId} />
    </section>
  );
}

const numberOf = (loads: Loads | undefined, id: string) => loads?.loads.find((l) => l.manifest.id === id)?.manifest.number ?? id.slice(0, 8);
