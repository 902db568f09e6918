import type { SolarMonth } from './solar';

/** Geometry of the monthly chart (consumption, production, surplus), drawn as SVG by the view. */
export interface SolarChartBar {
  month: string;
  x: number;
  bars: { kind: 'consumption' | 'production' | 'surplus'; x: number; y: number; height: number; kwh: number }[];
}

export interface SolarChart {
  width: number;
  height: number;
  plotTop: number;
  plotBottom: number;
  ticks: { y: number; kwh: number }[];
  columns: SolarChartBar[];
}

const W = 720;
const H = 260;
const LEFT = 48;
const TOP = 12;
const BOTTOM = 228;
const BAR = 12;

function niceMax(v: number): number {
  if (v <= 0) return 100;
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

export function solarChart(months: readonly SolarMonth[]): SolarChart {
  const max = niceMax(Math.max(...months.map((m) => Math.max(m.consumptionKwh, m.productionKwh)), 0));
  const scale = (BOTTOM - TOP) / max;
  const slot = (W - LEFT) / Math.max(months.length, 1);
  const columns = months.map((m, i) => {
    const x = LEFT + i * slot + (slot - 3 * BAR - 4) / 2;
    const bar = (kind: 'consumption' | 'production' | 'surplus', kwh: number, j: number) => {
      const h = Math.max(kwh * scale, kwh > 0 ? 1 : 0);
      return {
        kind,
        x: Math.round((x + j * (BAR + 2)) * 10) / 10,
        y: Math.round((BOTTOM - h) * 10) / 10,
        height: Math.round(h * 10) / 10,
        kwh,
      };
    };
    return {
      month: m.month,
      x: Math.round((LEFT + i * slot + slot / 2) * 10) / 10,
      bars: [
        bar('consumption', m.consumptionKwh, 0), bar('production', m.productionKwh, 1), bar('surplus', m.surplusKwh, 2),
      ],
    };
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({
    y: Math.round((BOTTOM - f * max * scale) * 10) / 10, kwh: Math.round(f * max),
  }));
  return { width: W, height: H, plotTop: TOP, plotBottom: BOTTOM, ticks, columns };
}
