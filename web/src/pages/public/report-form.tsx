// Anyone may report a problem with the drum; the server keeps it for the regulator.
import { useState } from 'preact/hooks';
import { Field, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useAction } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';
import { publicApi } from './api.ts';

const CATEGORIES = ['leak', 'damaged', 'abandoned', 'label', 'other'] as const;

export function ReportForm({ code }: { code: string }) {
  const [category, setCategory] = useState<string>('leak');
  const [message, setMessage] = useState('');
  const [contact, setContact] = useState('');
  const [done, setDone] = useState('');
  const send = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void send.run(async () => {
      const r = await publicApi.report(code, { category, message: message.trim(), ...(contact.trim() ? { contact: contact.trim() } : {}) });
      setDone(r.id);
      setMessage('');
      setContact('');
    });
  };
  return (
    <form class="card report-form" onSubmit={submit}>
      <h2>{t('pub.report.title')}</h2>
      <p class="muted">{t('pub.report.intro')}</p>
      <Field label={t('pub.report.category')}>
        <select name="category" value={category} onChange={(e) => setCategory(value(e))}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`pub.cat.${c}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('pub.report.message')}>
        <textarea name="message" required maxLength={1000} rows={3} value={message} onInput={(e) => setMessage(value(e))} />
      </Field>
      <Field label={t('pub.report.contact')}>
        <input name="contact" maxLength={200} value={contact} onInput={(e) => setContact(value(e))} />
      </Field>
      <button type="submit" class="primary" disabled={send.busy}>
        {send.busy ? t('pub.report.sending') : t('pub.report.send')}
      </button>
      <ProblemBox error={send.error} />
      {done && (
        <Notice>
          <span class="report-done" data-report={done}>
            {t('pub.report.done', { id: done })}
          </span>
        </Notice>
      )}
    </form>
  );
}
