// Change one's own password, from the header on every role's pages. The other sessions of this
// login end (other devices log in again); this one goes on.
import { useState } from 'preact/hooks';
import { changePassword } from '../api.ts';
import { Field, Notice, ProblemBox, value } from '../components/ui.tsx';
import { useAction } from '../hooks.ts';
import { t } from '../i18n/index.ts';
import { navigate } from '../router.tsx';

/** `home`: the role's first page, where the back link leads. */
export function PasswordPage({ home }: { home: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const mismatch = again !== '' && again !== next;

  const submit = (e: Event) => {
    e.preventDefault();
    if (mismatch) return;
    setDone(false);
    void action.run(async () => {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    });
  };

  return (
    <section>
      <a
        class="link back"
        href={home}
        onClick={(e) => {
          e.preventDefault();
          navigate(home);
        }}
      >
        ← {t('app.back')}
      </a>
      <h1>{t('pw.title')}</h1>
      <form class="card password-form" onSubmit={submit}>
        <Field label={t('pw.current')}>
          <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onInput={(e) => setCurrent(value(e))} />
        </Field>
        <Field label={t('pw.new')} hint={t('pw.rules')}>
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={10} value={next} onInput={(e) => setNext(value(e))} />
        </Field>
        <Field label={t('pw.again')}>
          <input name="again" type="password" autoComplete="new-password" required value={again} onInput={(e) => setAgain(value(e))} />
        </Field>
        {mismatch && <p class="problem mismatch">{t('pw.mismatch')}</p>}
        <ProblemBox error={action.error} />
        {done && <Notice>{t('pw.done')}</Notice>}
        <button type="submit" class="primary" disabled={action.busy || mismatch}>
          {t('pw.submit')}
        </button>
      </form>
    </section>
  );
}
