// An inspector closes a finding with a note (sealed as `finding.resolved`); it leaves the open list
// when the live feed brings the sealed entry back.
import { useState } from 'preact/hooks';
import { post } from '../../api.ts';
import { ProblemBox, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { t } from '../../i18n/index.ts';

export function ResolveForm({ findingId, onDone }: { findingId: string; onDone(): void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const step = useStep();
  if (!open) {
    return (
      <button type="button" class="link resolve" onClick={() => setOpen(true)}>
        {t('insp.resolve')}
      </button>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    void step.run(async (eventId) => {
      await post(`/api/findings/${encodeURIComponent(findingId)}/resolution`, { eventId, note: note.trim() });
      setOpen(false);
      onDone();
    });
  };
  return (
    <form class="resolve-form" onSubmit={submit}>
      <textarea name="note" required maxLength={1000} rows={2} placeholder={t('insp.resolveNote')} value={note} onInput={(e) => setNote(value(e))} />
      <button type="submit" class="primary" disabled={step.busy}>
        {t('insp.resolveSubmit')}
      </button>
      <ProblemBox error={step.error} />
    </form>
  );
}
