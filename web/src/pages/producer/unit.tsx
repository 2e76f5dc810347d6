// One drum: what it is, its weights and place, its label, the steps it can take, its sealed history.
import { useEffect, useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { LabelPreview, PrintLabels } from '../../components/labels.tsx';
import { Loading, ProblemBox, UnitState } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { fmtDate, fmtDateTime, fmtKg, t, type MessageKey } from '../../i18n/index.ts';
import { loadRegistry, siteName } from '../../registry.ts';
import { Link } from '../../router.tsx';
import type { Unit, UnitStep } from '../../types.ts';
import { RetrieveForm, StoreForm, TagForm, WeighForm } from './unit-actions.tsx';

const AT_PRODUCER = ['registered', 'stored', 'retrieved'];

export function UnitPage({ id }: { id: string }) {
  const loaded = useLoad(() => units.one(id), [id]);
  const reg = useLoad(loadRegistry);
  const [unit, setUnit] = useState<Unit | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const history = useLoad(() => units.history(id), [id, version]);
  useEffect(() => setUnit(loaded.data), [loaded.data]);
  const onDone = (r: UnitStep) => {
    setUnit(r.unit);
    setVersion((v) => v + 1);
  };

  if (!unit) {
    return (
      <section>
        <Loading when={loaded.loading} />
        <ProblemBox error={loaded.error} />
      </section>
    );
  }
  const open = AT_PRODUCER.includes(unit.state);
  const facts: [MessageKey, string][] = [
    ['col.wasteCode', `${unit.wasteCode} (${unit.wasteCategory})`],
    ['reg.name', unit.name],
    ['reg.hazards', unit.hazards.map((h) => t(`hazard.${h}` as MessageKey)).join('、')],
    ['reg.form', unit.physicalForm],
    ['reg.container', `${unit.containerType} · ${unit.volumeL} L`],
    ['reg.components', unit.components],
    ['reg.site', siteName(reg.data, unit.siteId)],
    ['unit.generated', fmtDate(unit.generationDate)],
    ['col.registered', fmtDateTime(unit.registeredAt)],
    ['col.tag', unit.epc ?? t('units.noTag')],
    ['col.gross', fmtKg(unit.grossKg)],
    ['col.tare', fmtKg(unit.tareKg)],
    ['unit.net', fmtKg(unit.netKg)],
    ['unit.storage', unit.storageBay ? `${siteName(reg.data, unit.storageSiteId)} · ${unit.storageBay}` : '—'],
    ['col.stored', fmtDateTime(unit.storedAt)],
  ];

  return (
    <section class="unit" data-unit={unit.id}>
      <p>
        <Link href="/producer">← {t('app.back')}</Link>
      </p>
      <h1>
        {t('unit.title')}{' '}
        <span class="mono">{unit.hjCode}</span> <UnitState state={unit.state} />
      </h1>
      <div class="columns">
        <dl class="facts card">
          {facts.map(([k, v]) => (
            <div key={k} data-fact={k}>
              <dt>{t(k)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <div class="card">
          <h3>{t('unit.label')}</h3>
          {unit.grai ? (
            <>
              <LabelPreview unitId={unit.id} version={version} />
              <PrintLabels ids={[unit.id]} text={t('unit.printLabel')} />
            </>
          ) : (
            <p class="muted">{t('unit.needsTag')}</p>
          )}
        </div>
      </div>
      {open && (
        <div class="steps">
          <TagForm unit={unit} onDone={onDone} />
          <WeighForm unit={unit} onDone={onDone} />
          {unit.state === 'stored' ? <RetrieveForm unit={unit} onDone={onDone} /> : <StoreForm unit={unit} registry={reg.data} onDone={onDone} />}
        </div>
      )}
      <h2>{t('unit.history')}</h2>
      <ProblemBox error={history.error} />
      <ol class="history">
        {history.data?.map((h, i) => (
          <li key={i}>
            <span class="mono">{h.index ?? '…'}</span> {h.type} · {fmtDateTime(h.at)}
          </li>
        ))}
      </ol>
    </section>
  );
}
