// The period of an export: calendar days in China Standard Time (the park's zone), both ends
// included, checked before anything is read so a bad request is refused, never half-exported.
import { CST_OFFSET_MS } from '../china-time.js';

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

export interface Period {
  from: string;
  to: string;
  /** First instant of `from` in CST, ISO. */
  start: string;
  /** First instant of the day after `to` in CST, ISO (exclusive). */
  end: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Longest period one request may ask for: HJ 1259 keeps ledgers five years; a little slack. */
export const MAX_PERIOD_DAYS = 366 * 6;

function dayStart(name: string, day: string | undefined): number {
  if (day === undefined || day === '') throw new PeriodError(`${name} is required, as a date YYYY-MM-DD`);
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  // Date.UTC rolls 2026-02-30 over to March: refuse any day that does not round-trip.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) throw new PeriodError(`${name} must be a real date YYYY-MM-DD, not ${JSON.stringify(day)}`);
  return ms - CST_OFFSET_MS;
}

export function parsePeriod(from: string | undefined, to: string | undefined): Period {
  const start = dayStart('from', from);
  const last = dayStart('to', to);
  if (last < start) throw new PeriodError(`from ${from} is after to ${to}`);
  if ((last - start) / 86_400_000 >= MAX_PERIOD_DAYS) throw new PeriodError(`a period is at most ${MAX_PERIOD_DAYS} days`);
  return { from: from!, to: to!, start: new Date(start).toISOString(), end: new Date(last + 86_400_000).toISOString() };
}
