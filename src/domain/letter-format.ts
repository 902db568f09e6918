/**
 * How values read in the sentences the customer receives about a request (timeline notes,
 * emails, the request page): one helper, so it can be swapped for the shared formatting module
 * in one place. Pure: language passed in, dates as calendar days (YYYY-MM-DD).
 */
export type LetterLanguage = 'es' | 'ca';

function locale(lang: string): string {
  return lang === 'ca' ? 'ca-ES' : 'es-ES';
}

/** dd/mm/yyyy, as dates are written on Spanish invoices and letters (both languages). */
export function letterDay(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

export function letterKw(kw: number, lang: string): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 3 }).format(kw);
}

/** "52,19 €" with a plain space, as the invoices and emails write amounts. */
export function letterEuros(cents: number, lang: string): string {
  const format = new Intl.NumberFormat(locale(lang), { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${format.format(cents / 100)} €`;
}
