// People and their logins: the admin gives one (or a new password, when one is forgotten) and
// takes one away (someone who left). Either ends that person's sessions at once.
import { useState } from 'preact/hooks';
import { Field, Loading, Notice, ProblemBox, value } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { getSession } from '../../session.ts';
import { people, type Person } from './api.ts';

export function PeoplePage() {
  const [version, setVersion] = useState(0);
  const list = useLoad(people.list, [version]);
  const reg = useLoad(loadRegistry);
  const [editing, setEditing] = useState<Person | null>(null);
  const [notice, setNotice] = useState('');
  const action = useAction();
  const self = getSession()?.personId;
  const done = (message: string) => {
    setNotice(message);
    setEditing(null);
    setVersion((v) => v + 1);
  };
  const remove = (p: Person) => {
    if (!confirm(t('adm.people.confirmRemove', { name: p.name }))) return;
    void action.run(async () => {
      await people.removeLogin(p.id);
      done(t('adm.people.removed', { name: p.name }));
    });
  };

  return (
    <section>
      <h1>{t('adm.people.title')}</h1>
      <Loading when={list.loading} />
      <ProblemBox error={list.error ?? action.error} />
      <Notice>{notice}</Notice>
      {editing && <LoginForm person={editing} onDone={done} onCancel={() => setEditing(null)} />}
      {list.data && (
        <table class="people">
          <thead>
            <tr>
              <th>{t('adm.col.name')}</th>
              <th>{t('adm.col.org')}</th>
              <th>{t('adm.col.role')}</th>
              <th>{t('adm.col.username')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr key={p.id} data-person={p.id}>
                <td>{p.name}</td>
                <td>{reg.data ? orgName(reg.data, p.orgId) : p.orgId}</td>
                <td>{tMaybe(`role.${p.role}`, p.role)}</td>
                <td class="username mono">{p.username ?? t('adm.people.noLogin')}</td>
                <td>
                  {/* One's own password is changed from the header, with the current one (a reset here would end this session). */}
                  {p.id !== self && (
                    <>
                      <button
                        type="button"
                        class="link set-login"
                        onClick={() => {
                          setNotice('');
                          setEditing(p);
                        }}
                      >
                        {p.username ? t('adm.people.reset') : t('adm.people.give')}
                      </button>
                      {p.username && (
                        <button type="button" class="link remove-login" disabled={action.busy} onClick={() => remove(p)}>
                          {t('adm.people.remove')}
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LoginForm({ person, onDone, onCancel }: { person: Person; onDone: (message: string) => void; onCancel: () => void }) {
  const [username, setUsername] = useState(person.username ?? '');
  const [password, setPassword] = useState('');
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      await people.setLogin(person.id, username.trim(), password);
      onDone(t('adm.people.saved', { name: person.name }));
    });
  };
  return (
    <form class="card login-form" onSubmit={submit}>
      <h2>{t('adm.people.formTitle', { name: person.name })}</h2>
      <Field label={t('login.username')}>
        <input name="username" autoComplete="off" required minLength={3} value={username} onInput={(e) => setUsername(value(e))} />
      </Field>
      <Field label={t('pw.new')} hint={t('pw.rules')}>
        <input name="password" type="password" autoComplete="new-password" required minLength={10} value={password} onInput={(e) => setPassword(value(e))} />
      </Field>
      <ProblemBox error={action.error} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('app.save')}
      </button>
      <button type="button" class="link" onClick={onCancel}>
        {t('app.cancel')}
      </button>
    </form>
  );
}
