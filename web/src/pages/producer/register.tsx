// Register drums: one, or a batch of identical drums (each its own identification code).
import { useEffect, useState } from 'preact/hooks';
import { units } from '../../api.ts';
import { Field, Loading, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useLoad, useStep } from '../../hooks.ts';
import { t, today, type MessageKey } from '../../i18n/index.ts';
import { loadRegistry } from '../../registry.ts';
import { Link } from '../../router.tsx';
import { HAZARDS, type Hazard, type Registration, type Unit } from '../../types.ts';

export const FORMS = ['固态', '半固态', '液态'];
export const CONTAINERS = ['钢桶', '塑料桶', '吨桶', '吨袋', '编织袋'];

export function RegisterPage() {
  const reg = useLoad(loadRegistry);
  const step = useStep();
  const [wasteCode, setWasteCode] = useState('');
  const [name, setName] = useState('');
  const [hazards, setHazards] = useState<Hazard[]>([]);
  const [physicalForm, setForm] = useState(FORMS[0]);
  const [containerType, setContainer] = useState(CONTAINERS[0]);
  const [volumeL, setVolume] = useState('200');
  const [components, setComponents] = useState('');
  const [siteId, setSite] = useState('');
  const [generationDate, setDate] = useState(today());
  const [count, setCount] = useState('1');
  const [done, setDone] = useState<Unit[]>([]);

  const plants = reg.data?.sites.filter((s) => s.kind !== 'storage') ?? [];
  useEffect(() => {
    if (!siteId && plants[0]) setSite(plants[0].id);
  }, [plants.length]);

  const pickCode = (code: string) => {
    setWasteCode(code);
    const entry = reg.data?.wasteCodes.find((c) => c.code === code);
    if (entry) setHazards(entry.hazards.filter((h): h is Hazard => (HAZARDS as string[]).includes(h)));
  };
  const toggle = (h: Hazard) => setHazards((hs) => (hs.includes(h) ? hs.filter((x) => x !== h) : HAZARDS.filter((x) => x === h || hs.includes(x))));

  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      const n = Math.max(1, Math.min(500, Number(count) || 1));
      const base = { siteId, wasteCode, name: name.trim(), hazards, physicalForm, containerType, volumeL: Number(volumeL), components: components.trim(), generationDate };
      const regs: Registration[] = Array.from({ length: n }, (_, i) => ({ ...base, eventId: n === 1 ? eventId : `${eventId}-${i + 1}` }));
      const results = await units.register(regs);
      setDone(results.map((r) => r.unit));
    });
  };

  return (
    <section>
      <h1>{t('reg.title')}</h1>
      <Loading when={reg.loading} />
      <ProblemBox error={reg.error} />
      <form class="card grid" onSubmit={submit}>
        <Field label={t('reg.wasteCode')}>
          <select name="wasteCode" required value={wasteCode} onChange={(e) => pickCode(value(e))}>
            <option value="">{t('app.pick')}</option>
            {reg.data?.wasteCodes.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} {c.category} {c.categoryName} — {c.description}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reg.name')}>
          <input name="name" required maxLength={200} value={name} onInput={(e) => setName(value(e))} />
        </Field>
        <fieldset class="field hazards">
          <legend class="field-label">{t('reg.hazards')}</legend>
          {HAZARDS.map((h) => (
            <label key={h} class="check">
              <input type="checkbox" name={`hazard-${h}`} checked={hazards.includes(h)} onChange={() => toggle(h)} />
              {t(`hazard.${h}` as MessageKey)}
            </label>
          ))}
        </fieldset>
        <Field label={t('reg.form')}>
          <select name="physicalForm" value={physicalForm} onChange={(e) => setForm(value(e))}>
            {FORMS.map((f) => (
              <option key={f} value={f}>
                {t(`form.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reg.container')}>
          <select name="containerType" value={containerType} onChange={(e) => setContainer(value(e))}>
            {CONTAINERS.map((c) => (
              <option key={c} value={c}>
                {t(`container.${c}` as MessageKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reg.volume')}>
          <input name="volumeL" type="number" min={1} max={100000} required value={volumeL} onInput={(e) => setVolume(value(e))} />
        </Field>
        <Field label={t('reg.components')}>
          <input name="components" required maxLength={500} value={components} onInput={(e) => setComponents(value(e))} />
        </Field>
        <Field label={t('reg.site')}>
          <select name="siteId" required value={siteId} onChange={(e) => setSite(value(e))}>
            {plants.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('reg.date')}>
          <input name="generationDate" type="date" required max={today()} value={generationDate} onInput={(e) => setDate(value(e))} />
        </Field>
        <Field label={t('reg.count')} hint={t('reg.countHint')}>
          <input name="count" type="number" min={1} max={500} required value={count} onInput={(e) => setCount(value(e))} />
        </Field>
        <div class="actions">
          <ProblemBox error={step.error} />
          <button type="submit" class="primary" disabled={step.busy || hazards.length === 0}>
            {t('reg.submit')}
          </button>
        </div>
      </form>
      {done.length > 0 && (
        <Notice>
          {t('reg.done', { n: done.length })}
          <ul class="registered">
            {done.map((u) => (
              <li key={u.id}>
                <Link href={`/producer/units/${u.id}`} class="mono">
                  {u.hjCode}
                </Link>
              </li>
            ))}
          </ul>
        </Notice>
      )}
    </section>
  );
}
