/**
 * The one place where an instant becomes a calendar day. Every calendar decision (a month
 * that has closed, a retention cut-off, a due date, a deadline) is made in Spain's civil
 * time, whatever the server's time zone: 23:30 UTC on 30 November is already 1 December.
 */
const SPAIN = new Intl.DateTimeFormat(
  'en-CA', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit' },
);

// Spain's offsets are whole hours, so a day never changes within a minute: the last minute's
// answer is kept (pages ask several times per request, and formatToParts is not cheap)
let lastMinute = NaN;
let lastDay = '';

/** The calendar day (YYYY-MM-DD) of an instant in Spain. */
export function todayInSpain(now: Date): string {
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute === lastMinute) return lastDay;
  const parts = SPAIN.formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = `${get('year')}-${get('month')}-${get('day')}`;
  if (!Number.isNaN(minute)) {
    lastMinute = minute;
    lastDay = day;
  }
  return day;
}

/** The month (YYYY-MM) of an instant in Spain. */
export function monthInSpain(now: Date): string {
  return todayInSpain(now).slice(0, 7);
}
