// Signing on this phone: the driver enrols a key made here (the password confirms it); every
// step after that carries the driver's own signature instead of the server's attestation.
import { useEffect, useState } from 'preact/hooks';
import { Field, ProblemBox, value } from '../../components/ui.tsx';
import { t } from '../../i18n/index.ts';
import { enrolKey, hasKey } from '../../offline/signing.ts';

export function SigningKey({ personId }: { personId: string }) {
  const [enrolled, setEnrolled] = useState<boolean>();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => void hasKey(personId).then(setEnrolled), [personId]);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await enrolKey(personId, password);
      setEnrolled(true);
      setPassword('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (enrolled === undefined) return null;
  if (enrolled) return <p class="signing-key enrolled">{t('driver.key.enrolled')}</p>;
  return (
    <form class="signing-key" onSubmit={submit}>
      <p class="muted">{t('driver.key.why')}</p>
      <Field label={t('login.password')}>
        <input type="password" name="keyPassword" autoComplete="current-password" value={password} onInput={(e) => setPassword(value(e))} />
      </Field>
      <button type="submit" class="big" disabled={busy || !password}>
        {t('driver.key.enrol')}
      </button>
      <ProblemBox error={error} />
    </form>
  );
}
