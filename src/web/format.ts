import type { Language } from '../i18n';
import { maskIban } from '../domain/ids';
import { kept } from '../domain/kept';
import { letterFormats } from '../domain/letter-format';

/**
 * The one way the portal prints dates, amounts and identifiers, per language. Every view gets
 * it as `it.fmt` (chosen by the request's language); routes and mails use `formatter(lang)`.
 * Instants are shown in Spain's civil time whatever the server's zone; calendar days stored
 * as 'YYYY-MM-DD' are printed as they are, never shifted through a time zone.
 */
export interface Formatter {
  readonly lang: Language;
  /** 04/01/2027 — a calendar day ('YYYY-MM-DD') or an instant (its day in Madrid). */
  date(value: DateInput): string;
  /** 04/01/2027 13:05 — an instant in Madrid. */
  dateTime(value: DateInput): string;
  /** "enero de 2027" / "gener del 2027" — a month ('YYYY-MM', 'YYYY-MM-DD' or an instant). */
  month(value: DateInput): string;
  /** 1.234,56 € — from integer cents. */
  money(cents: number | string | null | undefined): string;
  /** 1.234 kWh (one decimal at most). */
  kwh(value: number | string | null | undefined): string;
  /** 3,45 kW (three decimals at most, as contracted powers are written). */
  kw(value: number | string | null | undefined): string;
  /** 12,5 % — from a percentage value (12.5), not a fraction; one decimal. */
  percent(value: number | string | null | undefined): string;
  /** 1.234,5 — a plain number with at most `maxDecimals` decimals (and at least `minDecimals`). */
  number(value: number | string | null | undefined, maxDecimals?: number, minDecimals?: number): string;
  /** ES 0031 1234 5678 9012 BF — the CUPS in groups of four after the country. */
  cups(value: string | null | undefined): string;
  /** ES91 **** **** **** **** 1332 — only the country, check digits and the last four shown. */
  iban(value: string | null | undefined): string;
}

export type DateInput = Date | string | number | null | undefined;

/** Shown for a missing value, so an empty cell is never mistaken for zero. */
export const EMPTY = '—';

const LOCALES: Record<Language, string> = { es: 'es-ES', ca: 'ca-ES' };
const ZONE = 'Europe/Madrid';
const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_ONLY = /^(\d{4})-(\d{2})$/;

/** A calendar day or month string stays that day; anything else is an instant. */
function toInstant(value: DateInput): { date: Date; zone: string } | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') {
    const day = DAY_ONLY.exec(value);
    if (day) return { date: new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!, 12)), zone: 'UTC' };
    const month = MONTH_ONLY.exec(value);
    if (month) return { date: new Date(Date.UTC(+month[1]!, +month[2]! - 1, 15, 12)), zone: 'UTC' };
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : { date, zone: ZONE };
}

const KEPT_MAX = 5000;

/**
 * Calendar days and months arrive as text ('2026-11-04') and a page prints dozens of them;
 * Intl's formatting is the slow part, so each text's result is kept.
 */
function keptForText(texts: Map<string, string>, value: DateInput, format: () => string): string {
  return typeof value === 'string' ? kept(texts, value, KEPT_MAX, format) : format();
}

/**
 * A number formatted by `f`, kept: a page prints the same readings and amounts several times
 * over (a consumption page each month's figures three times), and Intl's formatting is the
 * slow part. Zero is left out: it is the one key that stands for two outputs ("0" and "-0").
 */
function formatKept(texts: Map<number, string>, f: Intl.NumberFormat, n: number): string {
  if (n === 0) return f.format(n);
  let text = texts.get(n);
  if (text === undefined) {
    text = f.format(n);
    if (texts.size >= KEPT_MAX) texts.clear();
    texts.set(n, text);
  }
  return text;
}

function build(lang: Language): Formatter {
  const locale = LOCALES[lang];
  // Spanish leaves 4-digit numbers ungrouped by default (1234,56); one style for every amount
  const grouped = (min: number, max: number) => new Intl.NumberFormat(locale, {
    minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: 'always',
  });
  // amounts, powers, days and times as letters and emails write them (domain/letter-format)
  const shared = letterFormats(lang);
  const money = shared.euros;
  const kwh = grouped(0, 1);
  const kw = shared.kw;
  const pct = grouped(1, 1);
  const numbers = new Map<number, { f: Intl.NumberFormat; texts: Map<number, string> }>();
  const [moneyTexts, kwhTexts, kwTexts, pctTexts] = [0, 1, 2, 3].map(() => new Map<number, string>()) as [
    Map<number, string>, Map<number, string>, Map<number, string>, Map<number, string>,
  ];
  const dayIn = (zone: string) => new Intl.DateTimeFormat(locale, {
    day: '2-digit', month: '2-digit', year: 'numeric', timeZone: zone,
  });
  const days = { UTC: dayIn('UTC'), [ZONE]: shared.day } as Record<string, Intl.DateTimeFormat>;
  const time = shared.time;
  const monthIn = (zone: string) => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: zone });
  const months = { UTC: monthIn('UTC'), [ZONE]: monthIn(ZONE) } as Record<string, Intl.DateTimeFormat>;
  const dayTexts = new Map<string, string>();
  const monthTexts = new Map<string, string>();
  // numeric columns arrive from PostgreSQL as strings ('3.450'): read them as numbers
  const num = (v: number | string | null | undefined): number | null => {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : null;
  };

  return {
    lang,
    date(value) {
      return keptForText(dayTexts, value, () => {
        const i = toInstant(value);
        return i ? days[i.zone]!.format(i.date) : EMPTY;
      });
    },
    dateTime(value) {
      const i = toInstant(value);
      if (!i) return EMPTY;
      return i.zone === 'UTC' ? days.UTC!.format(i.date) : `${days[ZONE]!.format(i.date)} ${time.format(i.date)}`;
    },
    month(value) {
      return keptForText(monthTexts, value, () => {
        const i = toInstant(value);
        return i ? months[i.zone]!.format(i.date) : EMPTY;
      });
    },
    money: (cents) => {
      const n = num(cents);
      return n === null ? EMPTY : `${formatKept(moneyTexts, money, n / 100)} €`;
    },
    kwh: (v) => { const n = num(v); return n === null ? EMPTY : `${formatKept(kwhTexts, kwh, n)} kWh`; },
    kw: (v) => { const n = num(v); return n === null ? EMPTY : `${formatKept(kwTexts, kw, n)} kW`; },
    percent: (v) => { const n = num(v); return n === null ? EMPTY : `${formatKept(pctTexts, pct, n)}\u00a0%`; },
    number(v, maxDecimals = 2, minDecimals = 0) {
      const n = num(v);
      if (n === null) return EMPTY;
      const key = minDecimals * 64 + maxDecimals;
      let style = numbers.get(key);
      if (!style) {
        style = { f: grouped(minDecimals, Math.max(minDecimals, maxDecimals)), texts: new Map() };
        numbers.set(key, style);
      }
      return formatKept(style.texts, style.f, n);
    },
    cups(value) {
      if (!value) return EMPTY;
      const v = value.replace(/\s+/g, '').toUpperCase();
      // ES + 4 (distributor) + 12 (supply) + 2 control letters (+ up to 2 for the point)
      const m = /^([A-Z]{2})(\d{4})(\d{4})(\d{4})(\d{4})([A-Z0-9]{2,4})$/.exec(v);
      return m ? m.slice(1).join(' ') : v;
    },
    iban: (value) => (value ? maskIban(value) : EMPTY),
  };
}

const FORMATTERS: Record<Language, Formatter> = { es: build('es'), ca: build('ca') };

export function formatter(lang: Language): Formatter {
  return FORMATTERS[lang] ?? FORMATTERS.es;
}
