// Register an operator's licence, or renew or change one: sealed in the log, and counted at once
// by the receipt and treatment checks. An id already registered fills the form with the licence.
import { useState } from 'preact/hooks';
import { put } from '../../api.ts';
import { Field, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';
import { orgName, type Registry } from '../../registry.ts';
import { FormEnd } from './login-fields.tsx';

const words = (s: string) => s.split(/[\s,，、;；]+/).filter(Boolean);

export function LicenceForm({ reg, onDone, onCancel }: { reg: Registry; onDone: (message: string) => void; onCancel: () => void }) {
  const [id, setId] = useState('');
  const [orgId, setOrgId] = useState('');
  const [number, setNumber] = useState('');
  const [codes, setCodes] = useState('');
  const [tonnes, setTonnes] = useState('');
  const [until, setUntil] = useState('');
  const [methods, setMethods] = useState('');
  const action = useStep(); // one event id while a lost answer is retried: the licence is registered once
  const operators = reg.organisations.filter((o) => o.kind === 'operator');
  const registered = operators.flatMap((o) => o.licences.map((l) => ({ ...l, orgId: o.id })));
  const known = registered.some((l) => l.id === id.trim());
  const pickId = (next: string) => {
    setId(next);
    const l = registered.find((x) => x.id === next.trim());
    if (!l) return;
    setOrgId(l.orgId);
    setNumber(l.number);
    setCodes(l.wasteCodes.join(' '));
    setTonnes(l.tonnesPerYear === null ? '' : String(l.tonnesPerYear));
    setUntil(l.validUntil ?? '');
  };
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async (eventId) => {
      const given = words(methods);
      const body = { eventId, orgId, number: number.trim(), wasteCodes: words(codes), tonnesPerYear: Number(tonnes), validUntil: until, ...(given.length > 0 && { methods: given }) };
      const r = await put<{ licence: { number: string }; index: number }>(`/api/registry/licences/${encodeURIComponent(id.trim())}`, body);
      onDone(t('adm.registry.licenceSaved', { number: r.licence.number, index: r.index }));
    });
  };
  return (
    <form class="card licence-form" onSubmit={submit}>
      <h2>{t('adm.registry.addLicence')}</h2>
      <Field label={t('adm.licence.id')} hint={t('adm.licence.idHint')}>
        <input name="id" required maxLength={100} pattern="[A-Za-z0-9._:\-]+" list="registered-licences" value={id} onInput={(e) => pickId(value(e))} />
        <datalist id="registered-licences">{registered.map((l) => <option key={l.id} value={l.id}>{l.number}</option>)}</datalist>
      </Field>
      <Field label={t('adm.col.org')}>
        <select name="orgId" required value={orgId} onChange={(e) => setOrgId(value(e))}>
          <option value="">{t('app.pick')}</option>
          {operators.map((o) => <option key={o.id} value={o.id}>{orgName(reg, o.id)}</option>)}
        </select>
      </Field>
      <Field label={t('adm.licence.number')}>
        <input name="number" required maxLength={100} value={number} onInput={(e) => setNumber(value(e))} />
      </Field>
      <Field label={t('adm.licence.codes')} hint={t('adm.licence.codesHint')}>
        <textarea name="wasteCodes" required rows={3} value={codes} onInput={(e) => setCodes(value(e))} />
      </Field>
      <Field label={t('adm.licence.tonnes')}>
        <input name="tonnesPerYear" type="number" min="1" step="any" required value={tonnes} onInput={(e) => setTonnes(value(e))} />
      </Field>
      <Field label={t('adm.licence.until')}>
        <input name="validUntil" type="date" required value={until} onInput={(e) => setUntil(value(e))} />
      </Field>
      <Field label={t('adm.licence.methods')} hint={t('adm.licence.methodsHint')}>
        <input name="methods" required={!known} value={methods} onInput={(e) => setMethods(value(e))} />
      </Field>
      <FormEnd error={action.error} busy={action.busy} submit={t('adm.registry.addLicence')} onCancel={onCancel} />
    </form>
  );
}
