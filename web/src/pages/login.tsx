// Log in with username and password; the role in the access token picks the pages.
import { useState } from 'preact/hooks';
import { login } from '../api.ts';
import { LangSwitch } from '../components/lang-switch.tsx';
import { ProblemBox, Field, Notice, value } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { t } from '../i18n/index.ts';
import { takeEndReason } from '../session.ts';

export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [ended] = useState(takeEndReason);
  const action = useAction();

  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await login(username.trim(), password);
    });
  };

  return (
    <div class="login">
      <div class="login-lang">
        <LangSwitch />
      </div>
      <form class="card" onSubmit={submit}>
        <h1>{t('app.title')}</h1>
        <h2>{t('login.title')}</h2>
        {ended && <Notice>{t(ended === 'expired' ? 'login.expired' : 'login.loggedOut')}</Notice>}
        <Field label={t('login.username')}>
          <input name="username" autoComplete="username" required value={username} onInput={(e) => setUsername(value(e))} />
        </Field>
        <Field label={t('login.password')}>
          <input name="password" type="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(value(e))} />
        </Field>
        <ProblemBox error={action.error} />
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
