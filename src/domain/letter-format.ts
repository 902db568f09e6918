/**
 * How values read in the sentences the customer receives (timeline notes, emails, the request
 * page): written as the portal's pages write them (src/web/format.ts; a test holds the two
 * equal), so an amount in an email reads as on the invoice page. Pure: language passed in,
 * dates as calendar days (YYYY-MM-DD), instants shown in Spain.
 */
export type LetterLanguage = 'es' | 'ca';

function locale(lang: string): string {
  return lang === 'ca' ? 'ca-ES' : 'es-ES';
}

// Spanish leaves 4-digit numbers ungrouped by default (1234,56); the pages group every amount
const ZONE = 'Europe/Madrid';
const formats = (lang: string) => ({
  euros: new Intl.NumberFormat(locale(lang), {
    minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: 'always',
  }),
  kw: new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3, useGrouping: 'always' }),
  day: new Intl.DateTimeFormat(locale(lang), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: ZONE }),
  time: new Intl.DateTimeFormat(locale(lang), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE }),
});
const FORMATS = { es: formats('es'), ca: formats('ca') };

/** The language's formats of amounts, powers, days and times of day; the pages use the same ones. */
export function letterFormats(lang: string): ReturnType<typeof formats> {
  return lang === 'ca' ? FORMATS.ca : FORMATS.es;
}
const formatsOf = letterFormats;

/** dd/mm/yyyy, as dates are written on Spanish invoices and letters (both languages). */
export function letterDay(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** "06/12/2026 03:35": an instant as the time it was in Spain. */
export function letterInstant(at: Date, lang: string): string {
  const f = formatsOf(lang);
  return `${f.day.format(at)} ${f.time.format(at)}`;
}

export function letterKw(kw: number, lang: string): string {
  return formatsOf(lang).kw.format(kw);
}

/** "1.234,56 €" with a plain space, as the invoices and emails write amounts. */
export function letterEuros(cents: number, lang: string): string {
  return `${formatsOf(lang).euros.format(cents / 100)} €`;
}
