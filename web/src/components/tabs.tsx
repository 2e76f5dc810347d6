// A role's tab bar: the first tab is the role's home, active on it and on the pages under
// `homeAlso` (a drum opened from the list); every other tab is active on its own path and below.
import { t, type MessageKey } from '../i18n/index.ts';
import { Link } from '../router.tsx';

export function RoleTabs({ tabs, path, homeAlso = [] }: { tabs: readonly (readonly [string, MessageKey])[]; path: string; homeAlso?: string[] }) {
  const home = tabs[0][0];
  const here = path.replace(/\/+$/, '') || '/';
  const active = (href: string) => (href === home ? here === home || homeAlso.some((p) => here.startsWith(p)) : here.startsWith(href));
  return (
    <nav class="tabs">
      {tabs.map(([href, key]) => (
        <Link key={href} href={href} class={active(href) ? 'active' : ''} aria-current={active(href) ? 'page' : undefined}>
          {t(key)}
        </Link>
      ))}
    </nav>
  );
}
