// Shared bits of the pages: a problem+json error box, notices, form fields, state badges.
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api.ts';
import { t, tMaybe } from '../i18n/index.ts';

/** An error as a person can read it: our words for the code, and the server's detail below. */
export function ProblemBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, 'ERROR', 'Error', String((error as Error)?.message ?? error));
  return (
    <div class="problem" role="alert" data-code={e.code}>
      <strong>{tMaybe(`err.${e.code}`, e.title || t('err.title'))}</strong>
      {e.detail && <div class="problem-detail">{e.detail}</div>}
      <div class="problem-code">
        {e.code}
        {e.status ? ` · HTTP ${e.status}` : ''}
      </div>
    </div>
  );
}

export function Notice({ children }: { children?: ComponentChildren }) {
  if (!children) return null;
  return (
    <div class="notice" role="status">
      {children}
    </div>
  );
}

export function Field({ label, children, hint }: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      {children}
      {hint && <small class="hint">{hint}</small>}
    </label>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <p class="muted">{t('app.loading')}</p> : null;
}

export function UnitState({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{tMaybe(`state.${state}`, state)}</span>;
}

export function ManifestState({ state }: { state: string }) {
  return <span class={`badge mstate-${state}`}>{tMaybe(`mstate.${state}`, state)}</span>;
}

/** The value of an input, select or textarea from its event. */
export const value = (e: Event): string => (e.currentTarget as HTMLInputElement).value;
