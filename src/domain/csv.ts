/**
 * CSV for Excel with Spanish regional settings: ';' separator, CRLF, UTF-8 with a BOM (without
 * it Excel reads accents as Latin-1), written once by the caller.
 */
export const CSV_BOM = '\uFEFF';
export const CRLF = '\r\n';

// Spreadsheets run cells starting with these as formulas (OWASP "CSV injection"); tab and CR too.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEGATIVE_NUMBER = /^-\d[\d,]*$/;

export interface CsvOptions {
  /**
   * The file's texts include numbers already written with a decimal comma ("-12,5"): those
   * stay numbers instead of being neutralised as formulas. Off where cells are free text.
   */
  numericText?: boolean;
}

/** One cell: a would-be formula gets a leading apostrophe; quotes, separators and line breaks are quoted. */
export function csvCell(value: string | number | null | undefined, opts: CsvOptions = {}): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s) && !(opts.numericText && NEGATIVE_NUMBER.test(s))) s = `'${s}`;
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly (string | number | null | undefined)[], opts: CsvOptions = {}): string {
  return `${cells.map((c) => csvCell(c, opts)).join(';')}${CRLF}`;
}

// Swedish writes dates as ISO 'YYYY-MM-DD HH:MM:SS', which Excel reads as a date and time;
// one formatter for a whole export (building one per row dominated a large export)
const SPAIN_DATE_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Madrid', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** An instant as a spreadsheet reads a date and time, in Spain's civil time. */
export function csvDateTime(at: Date): string {
  return SPAIN_DATE_TIME.format(at);
}
