// People and their logins: the admin adds a person (a new driver, a clerk), gives one a login (or a
// new password, when one is forgotten) and takes one away (someone who left). Either of the last
// two ends that person's sessions at once.
import { useState } from 'preact/hooks';
import { Loading, Notice, ProblemBox } from '../../components/ui.tsx';
import { useAction, useLoad } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { loadRegistry, orgName } from '../../registry.ts';
import { getSession } from '../../session.ts';
import { AddPersonForm } from './add-person.tsx';
import { people, type Person } from './api.ts';
import { FormEnd, LoginFields } from './login-fields.tsx';

export function PeoplePage() {
  const [version, setVersion] = useState(0);
  const list = useLoad(people.list, [version]);
  const reg = useLoad(loadRegistry);
  const [editing, setEditing] = useState<Person | null>(null);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  const action = useAction();
  const self = getSession()?.personId;
  const done = (message: string) => {
    setNotice(message);
    setEditing(null);
    setAdding(false);
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
      {adding && reg.data ? (
        <AddPersonForm reg={reg.data} onDone={done} onCancel={() => setAdding(false)} />
      ) : (
        <p>
          <button type="button" class="add-person" disabled={!reg.data} onClick={() => { setNotice(''); setAdding(true); }}>
            {t('adm.people.add')}
          </button>
        </p>
      )}
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
      <LoginFields {...{ username, password, setUsername, setPassword }} required passwordLabel={t('pw.new')} />
      <FormEnd error={action.error} busy={action.busy} submit={t('app.save')} onCancel={onCancel} />
    </form>
  );
}
