// Treatment: the drums this operator accepted, not yet treated, by manifest; pick one drum or a
// batch and a method (a D/R code the licence lists: the server checks) and record it drum by drum,
// as the API takes it. The manifest closes with its last drum treated or sent on.
import { useRef, useState } from 'preact/hooks';
import { ApiError, manifests, newEventId } from '../../api.ts';
import { Field, Loading, Notice, ProblemBox, UnitState, value } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { fmtKg, t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName, type Registry } from '../../registry.ts';
import { getSession } from '../../session.ts';
import type { Manifest } from '../../types.ts';
import { receiving } from './api.ts';
import { OnwardForm } from './onward.tsx';

/** Units already sent on under onward manifests (the API gives it; the shared type leaves it out). */
const sentOn = (m: Manifest) => (m as Manifest & { sentOn?: string[] }).sentOn ?? [];

export const METHODS = ['D10', 'D9', 'D1', 'R2', 'R4', 'R8', 'R9'] as const;

function ManifestTreatment({ m, reg, say, onClosed }: { m: Manifest; reg?: Registry; say: (note: string) => void; onClosed: () => void }) {
  const units = useLoad(() => receiving.units(m.id), [m.id]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [method, setMethod] = useState<string>(METHODS[0]);
  const action = useAction();
  // One event id per drum and method until the server has answered for good (a retry reuses it).
  const ids = useRef(new Map<string, string>());

  const open = (units.data ?? []).filter((u) => u.state === 'received');
  const refused = (units.data ?? []).filter((u) => u.state === 'refused' && !sentOn(m).includes(u.id));
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (!next.delete(id)) next.add(id);
    setPicked(next);
  };
  const treat = () =>
    action.run(async () => {
      let closed = false;
      let n = 0;
      try {
        for (const unitId of [...picked]) {
          const key = `${unitId}:${method}`;
          if (!ids.current.has(key)) ids.current.set(key, newEventId());
          try {
            const r = await receiving.treat(unitId, ids.current.get(key)!, method);
            closed = r.manifestState === 'closed';
            n++;
          } catch (e) {
            if (!(e instanceof ApiError && (e.status === 0 || e.status >= 500))) ids.current.delete(key);
            throw e;
          }
          ids.current.delete(key);
        }
      } finally {
        if (n > 0) {
          say(t('op.treat.done', { n, method }) + (closed ? ` ${t('op.treat.closed', { number: m.number })}` : ''));
          setPicked(new Set());
          units.reload();
          if (closed) onClosed();
        }
      }
    });

  return (
    <article class="card treatment" data-manifest={m.id}>
      <h2>
        <span class="mono">{m.number}</span> · {orgName(reg, m.producerOrgId)}
      </h2>
      <Loading when={units.loading} />
      <ProblemBox error={units.error} />
      {open.length === 0 && <p class="muted">{t('op.treat.nothing')}</p>}
      <ul class="to-treat">
        {open.map((u) => (
          <li key={u.id} data-unit={u.id}>
            <label class="check">
              <input type="checkbox" checked={picked.has(u.id)} onChange={() => toggle(u.id)} />
              <span class="mono">{u.hjCode}</span> {u.name} · {fmtKg(u.netKg)} <UnitState state={u.state} />
            </label>
          </li>
        ))}
      </ul>
      {open.length > 0 && (
        <div class="toolbar">
          <button type="button" class="link pick-all" onClick={() => setPicked(new Set(open.map((u) => u.id)))}>{t('op.treat.all')}</button>
          <Field label={t('op.treat.method')}>
            <select name="method" value={method} onChange={(e) => setMethod(value(e))}>
              {METHODS.map((c) => <option key={c} value={c}>{`${c} ${tMaybe(`op.method.${c}`, '')}`}</option>)}
            </select>
          </Field>
          <button type="button" class="primary treat-selected" disabled={picked.size === 0 || action.busy} onClick={treat}>
            {t('op.treat.submit', { n: picked.size })}
          </button>
        </div>
      )}
      <ProblemBox error={action.error} />
      {refused.length > 0 && <OnwardForm m={m} refused={refused} reg={reg} onDone={(note) => { say(note); units.reload(); onClosed(); }} />}
    </article>
  );
}

export function TreatmentPage() {
  const me = getSession()?.orgId;
  const reg = useLoad(loadRegistry);
  const list = useLoad(() => manifests.list('received').then((ms) => ms.filter((m) => m.receiverOrgId === me)));
  const [note, setNote] = useState('');
  return (
    <section>
      <h1>{t('op.treat.title')}</h1>
      <Notice>{note}</Notice>
      <Loading when={list.loading} />
      <ProblemBox error={list.error} />
      {list.data && list.data.length === 0 && <p class="muted">{t('op.treat.none')}</p>}
      {list.data?.map((m) => <ManifestTreatment key={m.id} m={m} reg={reg.data} say={setNote} onClosed={list.reload} />)}
    </section>
  );
}
