// The shell: the login page until someone is logged in, then the pages of their role (read from
// the access token), with the language switch, the password page and logout in the header.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logout, me } from './api.ts';
import { LangSwitch } from './components/lang-switch.tsx';
import { getLang, onLang, t, tMaybe } from './i18n/index.ts';
import { useLoad } from './hooks.ts';
import { LoginPage } from './pages/login.tsx';
import { PasswordPage } from './pages/password.tsx';
import { AdminPages } from './pages/admin/index.tsx';
import { DriverPages } from './pages/driver/index.tsx';
import { InspectorPages } from './pages/inspector/index.tsx';
import { OperatorPages } from './pages/operator/index.tsx';
import { ProducerPages } from './pages/producer/index.tsx';
import { PublicPage } from './pages/public/index.tsx';
import { navigate, useLocation } from './router.tsx';
import { getSession, onSession, type Session } from './session.ts';

const PAGES = { producer: ProducerPages, driver: DriverPages, operator: OperatorPages, inspector: InspectorPages, admin: AdminPages };

export const homeOf = (s: Session) => `/${s.role}`;
/** Every role's page for changing one's own password. */
const passwordPath = (s: Session) => `${homeOf(s)}/password`;

function Header({ session }: { session: Session }) {
  const person = useLoad(me, [session.personId]);
  return (
    <header class="top">
      <strong class="brand">{t('app.title')}</strong>
      <span class="who">
        {person.data?.name ?? ''} · {tMaybe(`role.${session.role}`, session.role)}
      </span>
      <span class="spacer" />
      <LangSwitch />
      <a class="link password" href={passwordPath(session)} onClick={(e) => {
          e.preventDefault();
          navigate(passwordPath(session));
        }}>
        {t('pw.title')}
      </a>
      <button type="button" class="link logout" onClick={logout}>
        {t('app.logout')}
      </button>
    </header>
  );
}

export function App() {
  const [session, setSession] = useState(getSession());
  const [, setLangNow] = useState(getLang());
  useEffect(() => onSession(setSession), []);
  useEffect(() => onLang(setLangNow), []);
  const { path } = useLocation();
  const home = session ? homeOf(session) : '/login';
  const isPublic = path.startsWith('/8003/');
  const elsewhere = !isPublic && (path === '/' || path === '/login' || !path.startsWith(home));

  useEffect(() => {
    if (elsewhere) navigate(home, true);
  }, [elsewhere, home]);

  if (isPublic) return <PublicPage path={path} />;
  if (!session) return <LoginPage />;
  if (elsewhere) return null;
  return (
    <div class="shell">
      <Header session={session} />
      <main>{path === passwordPath(session) ? <PasswordPage home={home} /> : h(PAGES[session.role], { path })}</main>
    </div>
  );
}
