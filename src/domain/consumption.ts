// Consumption history (issue 4, item 2). The chart is drawn on the server as SVG so it works with
// JavaScript off and under the CSP; this module only computes numbers, the view draws them.
import type { Energy, TariffPeriod } from './billing-types';
import { CSV_BOM, csvLine } from './csv';

export interface MonthlyConsumption {
  /** 'YYYY-MM' */
  month: string;
  P1: number;
  P2: number;
  P3: number;
}

export interface ConsumptionRow extends MonthlyConsumption {
  total: number;
  /** Total of the same month one year earlier, when there is data for it. */
  previousYearTotal: number | null;
  /** Percentage, 1 decimal; null without previous-year data or when that year was 0 (no base to compare). */
  changePct: number | null;
}

export type HistoryRow = ConsumptionRow & { missing: boolean };

/** Rows from consumptionHistory carry `missing`; rows built elsewhere may not. */
type RowInput = ConsumptionRow & { missing?: boolean };

const PERIODS: readonly TariffPeriod[] = ['P1', 'P2', 'P3'];
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

function monthIndex(month: string): number {
  const m = MONTH_RE.exec(month);
  if (!m) throw new RangeError(`Invalid month '${month}', expected YYYY-MM`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

function monthFromIndex(index: number): string {
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/**
 * Half away from zero, so +2,25 % and −2,25 % show the same magnitude. toPrecision first
 * absorbs binary noise (1.005 * 100 = 100.49999…) that would otherwise round down.
 */
export function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  const x = Math.abs(n) * f;
  // toPrecision(15) moves x by less than 1e-7 below 1e8, so it can only change the result
  // within that of a half; elsewhere Math.round(x) is the same answer, without the string (a
  // consumption page rounds a few hundred chart and table values)
  const noisy = x >= 1e8 || Math.abs(x - Math.floor(x) - 0.5) < 1e-6;
  const r = (Math.sign(n) * Math.round(noisy ? Number(x.toPrecision(15)) : x)) / f;
  return r === 0 ? 0 : r; // no −0 in output
}

// kWh are kept to the Wh: enough for any meter, and it drops float noise from sums (0.1 + 0.2).
const kwh = (n: number): number => round(n, 3);
const isMissing = (r: RowInput): boolean => r.missing === true;

function percentChange(current: number, previous: number | null): number | null {
  if (previous === null || previous === 0) return null;
  return round(((current - previous) / previous) * 100, 1);
}

/**
 * The `months` months ending at `lastMonth` (inclusive), oldest first. Months without data are
 * returned with zeros and `missing: true`, so the chart keeps its time axis and the table can say
 * "sin datos" instead of showing a misleading 0. Several entries for one month are added up.
 */
export function consumptionHistory(data: MonthlyConsumption[], lastMonth: string, months = 24): HistoryRow[] {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a positive integer, got ${months}`);
  const byMonth = new Map<number, MonthlyConsumption>();
  for (const d of data) {
    const i = monthIndex(d.month);
    const seen = byMonth.get(i);
    byMonth.set(i, seen
      ? { month: d.month, P1: kwh(seen.P1 + d.P1), P2: kwh(seen.P2 + d.P2), P3: kwh(seen.P3 + d.P3) }
      : { month: d.month, P1: d.P1, P2: d.P2, P3: d.P3 });
  }
  const totalOf = (m: MonthlyConsumption): number => kwh(m.P1 + m.P2 + m.P3);

  const end = monthIndex(lastMonth);
  const rows: HistoryRow[] = [];
  for (let i = end - months + 1; i <= end; i++) {
    const current = byMonth.get(i);
    const previous = byMonth.get(i - 12);
    const previousYearTotal = previous ? totalOf(previous) : null;
    const total = current ? totalOf(current) : 0;
    rows.push({
      month: monthFromIndex(i),
      P1: current?.P1 ?? 0,
      P2: current?.P2 ?? 0,
      P3: current?.P3 ?? 0,
      total,
      previousYearTotal,
      changePct: current ? percentChange(total, previousYearTotal) : null,
      missing: !current,
    });
  }
  return rows;
}

export interface ConsumptionSummary {
  /** First and last month of the window, null for an empty window. */
  from: string | null;
  to: string | null;
  /** kWh over the months with data. */
  total: number;
  /** Month with the highest total (the earliest on a tie); null when no month has data. */
  maxMonth: string | null;
  maxValue: number | null;
  missingMonths: number;
  /**
   * Last 12 months against the same 12 months a year earlier. Only given when all 24 months have
   * data: a gap would make the comparison look like a saving or an increase that never happened.
   */
  last12Total: number | null;
  previous12Total: number | null;
  changePct: number | null;
}

/** The figures the chart's text alternative needs. */
export function consumptionSummary(rows: RowInput[]): ConsumptionSummary {
  const present = rows.filter((r) => !isMissing(r));
  let max: RowInput | undefined;
  for (const r of present) if (!max || r.total > max.total) max = r;

  const last12 = rows.length >= 12 ? rows.slice(-12) : [];
  const comparable = last12.length === 12 && last12.every((r) => !isMissing(r) && r.previousYearTotal !== null);
  const last12Total = comparable ? kwh(last12.reduce((s, r) => s + r.total, 0)) : null;
  const previous12Total = comparable ? kwh(last12.reduce((s, r) => s + (r.previousYearTotal ?? 0), 0)) : null;

  return {
    from: rows[0]?.month ?? null,
    to: rows.at(-1)?.month ?? null,
    total: kwh(present.reduce((s, r) => s + r.total, 0)),
    maxMonth: max?.month ?? null,
    maxValue: max?.total ?? null,
    missingMonths: rows.length - present.length,
    last12Total,
    previous12Total,
    changePct: last12Total === null ? null : percentChange(last12Total, previous12Total),
  };
}

// Axis tops step through these × 10^n. 1.5 is there because the specified 1234 → 1500 is not on the
// plain 1-2-2.5-5 ladder, and it avoids the 1001 → 2000 jump that would leave half the plot empty.
const NICE_MANTISSAS = [1, 1.5, 2, 2.5, 5, 10] as const;
// Below this the axis would get ticks like 0,125 kWh; such months are effectively empty anyway.
const MIN_AXIS_MAX = 10;

/** A round axis maximum ≥ value: 0 → 10, 7 → 10, 231 → 250, 1234 → 1500. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`niceMax needs a finite number, got ${value}`);
  if (value <= MIN_AXIS_MAX) return MIN_AXIS_MAX;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of NICE_MANTISSAS) {
    const candidate = m * magnitude;
    if (candidate >= value) return candidate;
  }
  return 10 * magnitude; // unreachable: the ladder ends at 10 × magnitude > value
}

export interface ChartSegment {
  period: TariffPeriod;
  y: number;
  height: number;
  value: number;
}

export interface ChartBar {
  month: string;
  /** e.g. 'nov 24' */
  label: string;
  x: number;
  width: number;
  /** Bottom to top: P1, P2, P3 (electricity) or one P1 segment with the total (gas). */
  segments: ChartSegment[];
  total: number;
  missing: boolean;
}

export interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: ChartBar[];
  yTicks: { value: number; y: number; label: string }[];
  maxValue: number;
  /** Carried along so the view can write the text alternative without recomputing. */
  summary: ConsumptionSummary;
}

export interface ChartOptions {
  energy: Energy;
  /** 12 short month names, January first. */
  monthNames: string[];
  width?: number;
  height?: number;
  formatNumber: (n: number) => string;
}

// Left: y tick labels up to 5–6 digits; top: the legend and the "kWh" unit; bottom: month labels
// rotated −45°.
const MARGIN = { left: 56, top: 28, right: 8, bottom: 52 } as const;
// Gaps between bars keep adjacent months apart without relying on colour.
const BAR_FILL = 0.6;
const TICK_FRACTIONS = [0, 0.25, 0.5, 0.75, 1] as const;

const px = (n: number): number => round(n, 1);

/** viewBox coordinates for a stacked bar chart, one bar per row, oldest on the left. */
export function chartGeometry(rows: RowInput[], opts: ChartOptions): ChartGeometry {
  const width = opts.width ?? 720;
  const height = opts.height ?? 300;
  if (opts.monthNames.length !== 12) throw new RangeError(`monthNames needs 12 names, got ${opts.monthNames.length}`);
  const plot = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom };
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;
  if (plotWidth <= 0 || plotHeight <= 0) throw new RangeError(`Chart ${width}×${height} leaves no room to plot`);

  const maxValue = niceMax(Math.max(0, ...rows.map((r) => r.total)));
  const scale = plotHeight / maxValue;
  const slot = plotWidth / Math.max(rows.length, 1);
  const barWidth = px(slot * BAR_FILL);

  const bars = rows.map((r, i): ChartBar => {
    const parts: [TariffPeriod, number][] = opts.energy === 'gas'
      ? [['P1', r.total]]
      : PERIODS.map((p) => [p, r[p]]);
    // Each edge is rounded from the running sum rather than adding rounded heights, so the
    // segments tile without gaps and a bar worth maxValue ends exactly at plot.top.
    let cumulative = 0;
    let lowerEdge = plot.bottom;
    const segments = parts.map(([period, value]): ChartSegment => {
      cumulative += value;
      const upperEdge = px(plot.bottom - cumulative * scale);
      const segment = { period, y: upperEdge, height: px(lowerEdge - upperEdge), value };
      lowerEdge = upperEdge;
      return segment;
    });
    const monthNumber = Number(r.month.slice(5, 7));
    return {
      month: r.month,
      label: `${opts.monthNames[monthNumber - 1] ?? r.month.slice(5, 7)} ${r.month.slice(2, 4)}`,
      x: px(plot.left + i * slot + (slot - barWidth) / 2),
      width: barWidth,
      segments,
      total: r.total,
      missing: isMissing(r),
    };
  });

  const yTicks = TICK_FRACTIONS.map((f) => {
    const value = round(maxValue * f, 3);
    return { value, y: px(plot.bottom - plotHeight * f), label: opts.formatNumber(value) };
  });

  return { width, height, plot, bars, yTicks, maxValue, summary: consumptionSummary(rows) };
}

export interface CsvHeaders {
  month: string;
  P1: string;
  P2: string;
  P3: string;
  total: string;
  previousYear: string;
  change: string;
}

// No thousands separator: Excel in Spanish would read "1.234" as 1,234.
const csvNumber = (n: number | null): string => (n === null ? '' : String(round(n, 3)).replace('.', ','));

/**
 * CSV for Excel with Spanish regional settings: ';' separator, decimal comma, UTF-8 BOM (without it
 * Excel reads accents as Latin-1) and CRLF. Months without data get empty cells, not 0. Gas has a
 * single kWh column, headed by `headers.total`.
 */
export function consumptionCsv(rows: RowInput[], opts: { energy: Energy; headers: CsvHeaders }): string {
  const h = opts.headers;
  const gas = opts.energy === 'gas';
  const lines: string[][] = [
    gas
      ? [h.month, h.total, h.previousYear, h.change]
      : [h.month, h.P1, h.P2, h.P3, h.total, h.previousYear, h.change],
  ];
  for (const r of rows) {
    const own = (n: number): string => (isMissing(r) ? '' : csvNumber(n));
    const tail = [own(r.total), csvNumber(r.previousYearTotal), csvNumber(isMissing(r) ? null : r.changePct)];
    lines.push(gas ? [r.month, ...tail] : [r.month, own(r.P1), own(r.P2), own(r.P3), ...tail]);
  }
  return CSV_BOM + lines.map((cells) => csvLine(cells, { numericText: true })).join('');
}
