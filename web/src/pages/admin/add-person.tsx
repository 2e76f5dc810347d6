// Add a person to the park's registry (sealed in the log): an organisation, a role that fits its
// kind, a name, and a login if a username and password are given.
import { useState } from 'preact/hooks';
import { Field, value } from '../../components/ui.tsx';
import { useStep } from '../../hooks.ts';
import { t, tMaybe } from '../../i18n/index.ts';
import { orgName, type Registry } from '../../registry.ts';
import { rolesForOrgKind } from '../../../../server/registry/person-roles.ts';
import { people } from './api.ts';
import { FormEnd, LoginFields } from './login-fields.tsx';

export function AddPersonForm({ reg, onDone, onCancel }: { reg: Registry; onDone: (message: string) => void; onCancel: () => void }) {
  const [orgId, setOrgId] = useState('');
  const [role, setRole] = useState('');
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useStep(); // one event id while a lost answer is retried: the person is added once
  const rolesIn = (id: string) => rolesForOrgKind(reg.organisations.find((o) => o.id === id)?.kind ?? '');
  const roles = rolesIn(orgId);
  const pickOrg = (id: string) => {
    setOrgId(id);
    const fits = rolesIn(id);
    setRole(fits.length === 1 ? fits[0] : ''); // a transporter's people are drivers: nothing to pick
  };
  const withLogin = username.trim() !== '' || password !== '';
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async (eventId) => {
      const login = withLogin ? { username: username.trim(), password } : {};
      const r = await people.add({ eventId, orgId, role, name: name.trim(), ...login });
      onDone(t('adm.people.added', { name: r.person.name, index: r.index }));
    });
  };
  return (
    <form class="card add-person-form" onSubmit={submit}>
      <h2>{t('adm.people.add')}</h2>
      <Field label={t('adm.col.org')}>
        <select name="orgId" required value={orgId} onChange={(e) => pickOrg(value(e))}>
          <option value="">{t('app.pick')}</option>
          {reg.organisations.map((o) => <option key={o.id} value={o.id}>{orgName(reg, o.id)}</option>)}
        </select>
      </Field>
      <Field label={t('adm.col.role')}>
        <select name="role" required value={role} disabled={!orgId} onChange={(e) => setRole(value(e))}>
          <option value="">{t('app.pick')}</option>
          {roles.map((r) => <option key={r} value={r}>{tMaybe(`role.${r}`, r)}</option>)}
        </select>
      </Field>
      <Field label={t('adm.col.name')}>
        <input name="name" required maxLength={100} value={name} onInput={(e) => setName(value(e))} />
      </Field>
      <LoginFields {...{ username, password, setUsername, setPassword }} required={withLogin} usernameHint={t('adm.people.loginOptional')} passwordLabel={t('login.password')} />
      <FormEnd error={action.error} busy={action.busy} submit={t('adm.people.add')} onCancel={onCancel} />
    </form>
  );
}
