// What the people page's two forms share: a login's username and password, and the form's end
// (the refusal, if any, then save and cancel).
import { Field, ProblemBox, value } from '../../components/ui.tsx';
import { t } from '../../i18n/index.ts';

interface Login {
  username: string;
  password: string;
  setUsername(v: string): void;
  setPassword(v: string): void;
  required: boolean;
  usernameHint?: string;
  passwordLabel: string;
}

export function LoginFields({ username, password, setUsername, setPassword, required, usernameHint, passwordLabel }: Login) {
  return (
    <>
      <Field label={t('login.username')} hint={usernameHint}>
        <input name="username" autoComplete="off" required={required} minLength={3} value={username} onInput={(e) => setUsername(value(e))} />
      </Field>
      <Field label={passwordLabel} hint={t('pw.rules')}>
        <input name="password" type="password" autoComplete="new-password" required={required} minLength={10} value={password} onInput={(e) => setPassword(value(e))} />
      </Field>
    </>
  );
}

export function FormEnd({ error, busy, submit, onCancel }: { error: unknown; busy: boolean; submit: string; onCancel: () => void }) {
  return (
    <>
      <ProblemBox error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {submit}
      </button>
      <button type="button" class="link" onClick={onCancel}>
        {t('app.cancel')}
      </button>
    </>
  );
}
