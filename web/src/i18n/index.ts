// A tiny i18n: Chinese by default, English on request; the choice is kept in localStorage.
// Times show in the browser's local time zone, while "today" is the park's day (China Standard
// Time); weights in kg with the unit.
import { en } from './en.ts';
import { zh, type MessageKey } from './zh.ts';

export type Lang = 'zh' | 'en';
export type { MessageKey };

const KEY = 'hazledger.lang';
const DICTS: Record<Lang, Record<MessageKey, string>> = { zh, en };
const listeners = new Set<(l: Lang) => void>();

function stored(): Lang {
  try {
    return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

let lang: Lang = stored();

export const getLang = (): Lang => lang;
export const locale = (): string => (lang === 'zh' ? 'zh-CN' : 'en-GB');

export function setLang(l: Lang): void {
  lang = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // not kept: the page still switches
  }
  document.documentElement.lang = locale();
  for (const fn of listeners) fn(l);
}

export function onLang(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The message for `key`, with {name} placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = DICTS[lang][key] ?? zh[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A message by a key built at run time (a state, a code), or `fallback` when there is none. */
export function tMaybe(key: string, fallback: string): string {
  return key in zh ? t(key as MessageKey) : fallback;
}

/** An instant (RFC 3339) in the browser's local time. */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
}

/** A calendar date (YYYY-MM-DD) as the locale writes it, without any time-zone shift. */
export function fmtDate(date: string | null | undefined): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  if (!m) return date ?? '—';
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Kilograms as the API gives them (decimal text), with the unit. */
export function fmtKg(kg: string | number | null | undefined): string {
  if (kg === null || kg === undefined || kg === '') return '—';
  const n = Number(kg);
  if (!Number.isFinite(n)) return `${kg} kg`;
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(n)} kg`;
}

/**
 * Today in China Standard Time (UTC+8), as YYYY-MM-DD, whatever zone the browser is set to: the
 * park's calendar, by which generation dates, HJ 1276 codes and manifests are dated.
 */
export function today(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

if (typeof document !== 'undefined') document.documentElement.lang = locale();
