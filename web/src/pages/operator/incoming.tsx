// Incoming trucks: the manifests on their way to this operator or arrived at its gate, each with
// what the gate saw (the camera's plate and picture, the weighbridge reading) and a clear mark when
// the plate is not the manifest's vehicle; the arrival is confirmed here, then the load received.
import { useEffect, useState } from 'preact/hooks';
import { manifests } from '../../api.ts';
import { Field, Loading, ManifestState, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad, useStep } from '../../hooks.ts';
import { fmtDateTime, fmtKg, t } from '../../i18n/index.ts';
import { loadRegistry, orgName, siteName, type Registry } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { getSession } from '../../session.ts';
import type { Manifest } from '../../types.ts';
import { gate, receiving, type GateActivity, type Sighting } from './api.ts';
import { truckAtGate, unclaimedSightings, type TruckAtGate } from './gate-match.ts';
import { GatePicture } from './gate-picture.tsx';

const ON_THE_WAY = ['picked_up', 'departed', 'arrived'];
/** The weighbridge office keeps this page open: it looks again this often for new trucks. */
const POLL_MS = 20_000;

function SightingFacts({ s, reg }: { s: Sighting; reg?: Registry }) {
  return (
    <div class="sighting" data-index={s.index}>
      {s.pictures[0] && <GatePicture sha256={s.pictures[0]} plate={s.plate} />}
      <div>
        <span class="plate mono">{s.plate}</span>
        <div class="muted">
          {t('op.gate.seenAt', { gate: siteName(reg, s.gate), time: fmtDateTime(s.at) })}
          {s.confidence !== null && ` · ${t('op.gate.confidence', { n: s.confidence })}`}
        </div>
      </div>
    </div>
  );
}

function ArrivalForm({ m, truck, candidates, onDone }: { m: Manifest; truck: TruckAtGate; candidates: string[]; onDone: (note: string) => void }) {
  const step = useStep();
  const [plate, setPlate] = useState(truck.plateSeen ?? truck.expectedPlate);
  const plates = [...new Set([truck.expectedPlate, ...(truck.plateSeen ? [truck.plateSeen] : []), ...candidates])];
  const differs = plate.trim() !== '' && plate.trim() !== truck.expectedPlate;
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      const r = await receiving.arrive(m.id, eventId, plate.trim());
      onDone(t('op.arrival.done', { number: r.manifest.number, plate: plate.trim() }));
    });
  };
  return (
    <form class="arrival-form" onSubmit={submit}>
      <Field label={t('op.arrival.plate')} hint={t('op.arrival.hint')}>
        <select name="vehiclePlate" value={plate} onChange={(e) => setPlate(value(e))}>
          {plates.map((p) => (
            <option key={p} value={p}>
              {p === truck.expectedPlate ? t('op.arrival.expected', { plate: p }) : t('op.arrival.seen', { plate: p })}
            </option>
          ))}
        </select>
      </Field>
      {differs && <p class="warning plate-warning">{t('op.plate.mismatch', { expected: truck.expectedPlate, seen: plate })}</p>}
      <ProblemBox error={step.error} />
      <button type="submit" class="primary" disabled={step.busy}>
        {t('op.arrival.submit')}
      </button>
    </form>
  );
}

function TruckCard({ m, gateRecord, reg, candidates, onChanged }: { m: Manifest; gateRecord?: GateActivity; reg?: Registry; candidates: string[]; onChanged: (note: string) => void }) {
  const truck = truckAtGate(m, gateRecord);
  return (
    <article class={`card truck${truck.mismatch ? ' mismatch' : ''}`} data-manifest={m.id}>
      <h2>
        <span class="mono">{m.number}</span> <ManifestState state={m.state} />
      </h2>
      <p>
        {t('op.truck.from', { org: orgName(reg, m.producerOrgId), n: m.unitIds.length })} · {t('op.truck.expected')} <span class="plate mono expected-plate">{truck.expectedPlate}</span>
      </p>
      {truck.sighting ? <SightingFacts s={truck.sighting} reg={reg} /> : <p class="muted not-seen">{t('op.gate.notSeen')}</p>}
      {truck.mismatch && (
        <p class="plate-mismatch" role="alert">
          {t('op.plate.mismatch', { expected: truck.expectedPlate, seen: truck.plateSeen ?? '' })}
        </p>
      )}
      <p class="weighbridge">
        {t('op.gate.weighbridge')}: {truck.weighing ? <strong class="gross">{fmtKg(truck.weighing.grossKg)}</strong> : '—'}
        {truck.weighing && <span class="muted"> · {fmtDateTime(truck.weighing.at)}</span>}
      </p>
      {m.state === 'arrived' ? (
        <Link href={`/operator/receive/${m.id}`} class="button primary receive-link">
          {t('op.truck.receive')}
        </Link>
      ) : (
        <ArrivalForm m={m} truck={truck} candidates={candidates} onDone={onChanged} />
      )}
    </article>
  );
}

export function IncomingPage() {
  const me = getSession()?.orgId;
  const reg = useLoad(loadRegistry);
  const list = useLoad(() => manifests.list().then((ms) => ms.filter((m) => m.receiverOrgId === me && ON_THE_WAY.includes(m.state))));
  const gateRecord = useLoad(() => gate.activity());
  const [notice, setNotice] = useState('');
  const unclaimed = unclaimedSightings(gateRecord.data);
  const reload = () => {
    list.reload();
    gateRecord.reload();
  };
  useEffect(() => {
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return (
    <section>
      <h1>{t('op.incoming.title')}</h1>
      <div class="toolbar">
        <button type="button" class="refresh" onClick={reload}>
          {t('app.refresh')}
        </button>
      </div>
      <Notice>{notice}</Notice>
      <Loading when={list.loading && !list.data} />
      <ProblemBox error={list.error ?? gateRecord.error} />
      {list.data && list.data.length === 0 && <p class="muted">{t('op.incoming.none')}</p>}
      <div class="trucks">
        {list.data?.map((m) => (
          <TruckCard
            key={m.id}
            m={m}
            gateRecord={gateRecord.data}
            reg={reg.data}
            candidates={unclaimed.map((s) => s.plate)}
            onChanged={(note) => {
              setNotice(note);
              reload();
            }}
          />
        ))}
      </div>
      <h2>{t('op.gate.unclaimed')}</h2>
      {unclaimed.length === 0 && <p class="muted">{t('app.empty')}</p>}
      <div class="unclaimed">
        {unclaimed.map((s) => (
          <SightingFacts key={s.index} s={s} reg={reg.data} />
        ))}
      </div>
    </section>
  );
}
