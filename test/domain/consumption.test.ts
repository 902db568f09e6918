import fs from 'node:fs';
import { formatter } from '../../src/web/format';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Eta } from 'eta';
import {
  chartGeometry,
  consumptionCsv,
  consumptionHistory,
  consumptionSummary,
  niceMax,
  round,
  type ChartGeometry,
  type CsvHeaders,
  type MonthlyConsumption,
} from '../../src/domain/consumption';
import { translator, type Language } from '../../src/i18n/index';

const here = path.dirname(fileURLToPath(import.meta.url));
const ES_MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];
const plain = (n: number) => String(n);

/** `count` consecutive months starting at `first`, each built by `make(month, index)`. */
function months(first: string, count: number, make: (i: number) => Omit<MonthlyConsumption, 'month'>): MonthlyConsumption[] {
  const start = Number(first.slice(0, 4)) * 12 + Number(first.slice(5, 7)) - 1;
  return Array.from({ length: count }, (_, i) => {
    const m = start + i;
    return { month: `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`, ...make(i) };
  });
}
const flat = (total: number) => () => ({ P1: total, P2: 0, P3: 0 });

describe('consumption: history window', () => {
  const data = months('2022-12', 36, flat(100));

  const windows: [string, string, number | undefined, string, string, number][] = [
    ['default 24 months', '2025-11', undefined, '2023-12', '2025-11', 24],
    ['crossing a year boundary', '2025-01', 3, '2024-11', '2025-01', 3],
    ['a single month', '2024-06', 1, '2024-06', '2024-06', 1],
    ['ending before any data', '2020-12', 12, '2020-01', '2020-12', 12],
  ];
  for (const [name, last, count, first, end, length] of windows) {
    it(`${name}: ${first} … ${end}`, () => {
      const rows = consumptionHistory(data, last, count);
      expect(rows).to.have.length(length);
      expect(rows[0]?.month).to.equal(first);
      expect(rows.at(-1)?.month).to.equal(end);
    });
  }

  it('lists every month in order, oldest first, across December → January', () => {
    expect(consumptionHistory(data, '2025-02', 5).map((r) => r.month)).to.deep.equal(['2024-10', '2024-11', '2024-12', '2025-01', '2025-02']);
  });

  it('flags months without data instead of dropping them', () => {
    const sparse = [
      { month: '2025-01', P1: 10, P2: 20, P3: 30 },
      { month: '2025-03', P1: 1, P2: 2, P3: 3 },
    ];
    const rows = consumptionHistory(sparse, '2025-03', 4);
    expect(rows.map((r) => [r.month, r.missing, r.total])).to.deep.equal([
      ['2024-12', true, 0],
      ['2025-01', false, 60],
      ['2025-02', true, 0],
      ['2025-03', false, 6],
    ]);
    expect(rows[0]).to.include({ P1: 0, P2: 0, P3: 0, previousYearTotal: null, changePct: null });
  });

  it('adds up several entries for the same month without float noise', () => {
    const rows = consumptionHistory([
      { month: '2025-01', P1: 0.1, P2: 1, P3: 0 },
      { month: '2025-01', P1: 0.2, P2: 2, P3: 0.5 },
    ], '2025-01', 1);
    expect(rows[0]).to.include({ P1: 0.3, P2: 3, P3: 0.5, total: 3.8, missing: false });
  });

  const invalid: [string, () => unknown][] = [
    ['a malformed last month', () => consumptionHistory([], '2025-13')],
    ['a malformed data month', () => consumptionHistory([{ month: '2025-1', P1: 1, P2: 0, P3: 0 }], '2025-01')],
    ['zero months', () => consumptionHistory([], '2025-01', 0)],
    ['fractional months', () => consumptionHistory([], '2025-01', 1.5)],
  ];
  for (const [name, call] of invalid) {
    it(`rejects ${name}`, () => expect(call).to.throw(RangeError));
  }
});

describe('consumption: same month of the previous year', () => {
  // [case, this month or null, same month a year earlier or null, previousYearTotal, changePct]
  const cases: [string, [number, number, number] | null, [number, number, number] | null, number | null, number | null][] = [
    ['increase', [50, 30, 30], [40, 30, 30], 100, 10],
    ['decrease', [30, 30, 30], [40, 40, 40], 120, -25],
    ['one decimal, down', [100, 0, 0], [300, 0, 0], 300, -66.7],
    ['one decimal, up', [1001, 0, 0], [1000, 0, 0], 1000, 0.1],
    ['half rounds away from zero, up', [81, 0, 0], [80, 0, 0], 80, 1.3],
    ['half rounds away from zero, down', [79, 0, 0], [80, 0, 0], 80, -1.3],
    ['no change', [20, 20, 20], [60, 0, 0], 60, 0],
    ['no data a year earlier', [10, 10, 10], null, null, null],
    ['previous year was 0', [10, 10, 10], [0, 0, 0], 0, null],
    ['this month missing', null, [40, 30, 30], 100, null],
  ];
  for (const [name, current, previous, previousYearTotal, changePct] of cases) {
    it(`${name} → ${previousYearTotal} / ${changePct}`, () => {
      const data: MonthlyConsumption[] = [];
      if (current) data.push({ month: '2025-01', P1: current[0], P2: current[1], P3: current[2] });
      if (previous) data.push({ month: '2024-01', P1: previous[0], P2: previous[1], P3: previous[2] });
      const [row] = consumptionHistory(data, '2025-01', 1);
      expect(row).to.include({ previousYearTotal, changePct, missing: current === null });
    });
  }

  it('looks a year back even before the window starts', () => {
    const rows = consumptionHistory(months('2023-01', 24, flat(100)), '2024-12', 12);
    expect(rows.every((r) => r.previousYearTotal === 100 && r.changePct === 0)).to.equal(true);
  });
});

describe('consumption: summary for the text alternative', () => {
  it('totals the window, finds the peak and compares the last 12 months with the 12 before', () => {
    // 12 months at 100 before the window, 12 at 100, then 11 at 110 and one peak of 200.
    const data = months('2022-12', 36, (i) => (i === 31 ? { P1: 100, P2: 60, P3: 40 } : flat(i < 24 ? 100 : 110)()));
    expect(consumptionSummary(consumptionHistory(data, '2025-11'))).to.deep.equal({
      from: '2023-12',
      to: '2025-11',
      total: 2610,
      maxMonth: '2025-07',
      maxValue: 200,
      missingMonths: 0,
      last12Total: 1410,
      previous12Total: 1200,
      changePct: 17.5,
    });
  });

  it('does not compare when a month of either year is missing', () => {
    const data = months('2022-12', 36, flat(100));
    for (const gap of ['2024-03', '2025-02']) {
      const s = consumptionSummary(consumptionHistory(data.filter((m) => m.month !== gap), '2025-11'));
      expect(s, gap).to.include({ total: 2300, missingMonths: 1, last12Total: null, previous12Total: null, changePct: null });
    }
  });

  it('still compares when only data outside both years is missing', () => {
    const data = months('2021-12', 48, flat(100)).filter((m) => m.month !== '2022-06');
    expect(consumptionSummary(consumptionHistory(data, '2025-11'))).to.include({ missingMonths: 0, changePct: 0 });
  });

  it('has no peak when there is no data', () => {
    expect(consumptionSummary(consumptionHistory([], '2025-11'))).to.include({ total: 0, maxMonth: null, maxValue: null, missingMonths: 24 });
  });
});

describe('consumption: niceMax', () => {
  const cases: [number, number][] = [
    [0, 10], [-5, 10], [7, 10], [10, 10], [10.5, 15], [16, 20], [21, 25], [26, 50], [99, 100], [100, 100], [101, 150],
    [231, 250], [250, 250], [251, 500], [501, 1000], [1234, 1500], [1500, 1500], [1501, 2000], [2001, 2500], [2600, 5000], [5001, 10000],
  ];
  for (const [value, expected] of cases) {
    it(`${value} → ${expected}`, () => expect(niceMax(value)).to.equal(expected));
  }
  it('rejects non-finite values', () => {
    expect(() => niceMax(Number.NaN)).to.throw(RangeError);
    expect(() => niceMax(Number.POSITIVE_INFINITY)).to.throw(RangeError);
  });
});

describe('consumption: chart geometry', () => {
  // Default 720×300 viewBox: plot 56…712 × 28…248, so 220 units of height.
  const electricity = months('2023-12', 24, (i) => (i === 5 ? { P1: 100, P2: 50, P3: 100 } : { P1: 50, P2: 25, P3: 50 }));
  const rows = consumptionHistory(electricity, '2025-11');
  const chart = chartGeometry(rows, { energy: 'electricity', monthNames: ES_MONTHS, formatNumber: plain });

  it('has one bar per month, left to right, inside the plot', () => {
    expect(chart.bars).to.have.length(24);
    expect(chart.plot).to.deep.equal({ left: 56, top: 28, right: 712, bottom: 248 });
    for (const [i, bar] of chart.bars.entries()) {
      expect(bar.x).to.be.at.least(chart.plot.left);
      expect(bar.x + bar.width).to.be.at.most(chart.plot.right);
      if (i > 0) expect(bar.x).to.be.greaterThan(chart.bars[i - 1]!.x + chart.bars[i - 1]!.width);
    }
  });

  it('labels bars with the short month name and a two-digit year', () => {
    expect(chart.bars.slice(0, 3).map((b) => b.label)).to.deep.equal(['dic 23', 'ene 24', 'feb 24']);
    expect(chart.bars.at(-1)?.label).to.equal('nov 25');
  });

  it('scales to niceMax and puts the y ticks at quarters', () => {
    expect(chart.maxValue).to.equal(250);
    expect(chart.yTicks).to.deep.equal([
      { value: 0, y: 248, label: '0' },
      { value: 62.5, y: 193, label: '62.5' },
      { value: 125, y: 138, label: '125' },
      { value: 187.5, y: 83, label: '187.5' },
      { value: 250, y: 28, label: '250' },
    ]);
  });

  it('makes the tallest bar reach the top of the plot exactly', () => {
    const tallest = chart.bars[5]!;
    expect(tallest.total).to.equal(250);
    expect(tallest.segments.at(-1)?.y).to.equal(chart.plot.top);
    expect(tallest.segments.map((s) => s.height)).to.deep.equal([88, 44, 88]);
  });

  it('keeps heights proportional to kWh', () => {
    expect(chart.bars[0]!.segments.map((s) => s.height)).to.deep.equal([44, 22, 44]);
  });

  it('stacks P1 at the bottom, then P2, then P3, without gaps', () => {
    for (const bar of chart.bars) {
      expect(bar.segments.map((s) => s.period)).to.deep.equal(['P1', 'P2', 'P3']);
      let edge = chart.plot.bottom;
      for (const s of bar.segments) {
        expect(Math.round((s.y + s.height) * 10) / 10).to.equal(edge);
        edge = s.y;
      }
    }
  });

  it('rounds every coordinate to 0.1', () => {
    const numbers = [
      ...chart.bars.flatMap((b) => [b.x, b.width, ...b.segments.flatMap((s) => [s.y, s.height])]),
      ...chart.yTicks.map((t) => t.y),
    ];
    for (const n of numbers) expect(Math.abs(n * 10 - Math.round(n * 10))).to.be.below(1e-9);
  });

  it('draws gas as a single segment with the whole month', () => {
    const gas = consumptionHistory(months('2024-12', 12, (i) => ({ P1: 300 + 100 * i, P2: 0, P3: 0 })), '2025-11', 12);
    const g = chartGeometry(gas, { energy: 'gas', monthNames: ES_MONTHS, formatNumber: plain });
    expect(g.maxValue).to.equal(1500);
    expect(g.bars).to.have.length(12);
    for (const bar of g.bars) {
      expect(bar.segments).to.have.length(1);
      expect(bar.segments[0]).to.include({ period: 'P1', value: bar.total });
    }
    expect(g.bars.at(-1)?.segments[0]).to.deep.equal({ period: 'P1', value: 1400, y: 42.7, height: 205.3 });
  });

  it('keeps missing months as empty bars', () => {
    const g = chartGeometry(consumptionHistory(electricity.filter((m) => m.month !== '2024-02'), '2025-11'), {
      energy: 'electricity', monthNames: ES_MONTHS, formatNumber: plain,
    });
    const gap = g.bars[2]!;
    expect(gap).to.include({ month: '2024-02', missing: true, total: 0 });
    expect(gap.segments.map((s) => s.height)).to.deep.equal([0, 0, 0]);
  });

  it('honours a custom size', () => {
    const g = chartGeometry(rows, { energy: 'electricity', monthNames: ES_MONTHS, formatNumber: plain, width: 480, height: 240 });
    expect([g.width, g.height, g.plot.right, g.plot.bottom]).to.deep.equal([480, 240, 472, 188]);
  });

  it('rejects a wrong month-name list', () => {
    expect(() => chartGeometry(rows, { energy: 'gas', monthNames: ES_MONTHS.slice(1), formatNumber: plain })).to.throw(RangeError);
  });
});

describe('consumption: CSV', () => {
  const headers: CsvHeaders = {
    month: 'Mes',
    P1: 'P1 punta (kWh)',
    P2: 'P2 llano (kWh)',
    P3: 'P3 valle (kWh)',
    total: 'Total (kWh)',
    previousYear: 'Mismo mes del año anterior (kWh)',
    change: 'Variación (%)',
  };

  it('writes electricity for Spanish Excel: BOM, ";", decimal comma, CRLF, empty cells for missing data', () => {
    const data = [
      { month: '2024-01', P1: 40, P2: 30, P3: 30 },
      { month: '2024-02', P1: 30, P2: 25, P3: 25 },
      { month: '2024-03', P1: 20, P2: 15, P3: 15 },
      { month: '2025-01', P1: 45.5, P2: 30, P3: 35 },
      { month: '2025-02', P1: 20, P2: 20, P3: 20 },
    ];
    expect(consumptionCsv(consumptionHistory(data, '2025-03', 3), { energy: 'electricity', headers })).to.equal(
      '\uFEFFMes;P1 punta (kWh);P2 llano (kWh);P3 valle (kWh);Total (kWh);Mismo mes del año anterior (kWh);Variación (%)\r\n'
      + '2025-01;45,5;30;35;110,5;100;10,5\r\n'
      + '2025-02;20;20;20;60;80;-25\r\n'
      + '2025-03;;;;;50;\r\n',
    );
  });

  it('writes gas as a single kWh column', () => {
    const data = [
      { month: '2024-02', P1: 400, P2: 0, P3: 0 },
      { month: '2025-01', P1: 412, P2: 0, P3: 0 },
      { month: '2025-02', P1: 300.25, P2: 0, P3: 0 },
    ];
    expect(consumptionCsv(consumptionHistory(data, '2025-02', 2), { energy: 'gas', headers: { ...headers, total: 'Consumo (kWh)' } })).to.equal(
      '\uFEFFMes;Consumo (kWh);Mismo mes del año anterior (kWh);Variación (%)\r\n'
      + '2025-01;412;;\r\n'
      + '2025-02;300,25;400;-24,9\r\n',
    );
  });

  // [header text, how it must appear in the file]
  const cells: [string, string][] = [
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+34 600', "'+34 600"],
    ['-x', "'-x"],
    ['@cmd', "'@cmd"],
    ['\tTab', "'\tTab"],
    ['-12,5', '-12,5'],
    ['-3', '-3'],
    ['a=b', 'a=b'],
    ['Mes; año', '"Mes; año"'],
    ['dice "hola"', '"dice ""hola"""'],
    ['=1;2', `"'=1;2"`],
    ['línea\r\nnueva', '"línea\r\nnueva"'],
  ];
  for (const [header, expected] of cells) {
    it(`guards and quotes the cell ${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
      const csv = consumptionCsv([], { energy: 'gas', headers: { ...headers, month: header } });
      expect(csv).to.equal(`\uFEFF${expected};Total (kWh);Mismo mes del año anterior (kWh);Variación (%)\r\n`);
    });
  }
});

describe('consumption: i18n', () => {
  const keys = (value: unknown, prefix = ''): string[] =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
      : [prefix];
  const read = (lang: Language) => JSON.parse(fs.readFileSync(path.resolve(here, `../../src/i18n/${lang}/consumption.json`), 'utf8')) as unknown;

  it('has the same keys in Spanish and Catalan, and 12 month names in each', () => {
    expect(keys(read('ca'))).to.deep.equal(keys(read('es')));
    for (const lang of ['es', 'ca'] as const) {
      expect(translator(lang)('consumption.months', { returnObjects: true })).to.have.length(12);
    }
  });
});

describe('consumption: chart partial', () => {
  const eta = new Eta({ views: path.resolve(here, '../../src/views') });
  const csvUrl = '/contratos/7/consumos.csv?desde=2023-12&hasta=2025-11';

  function render(data: MonthlyConsumption[], energy: 'electricity' | 'gas', lang: Language = 'es') {
    const t = translator(lang);
    const rows = consumptionHistory(data, '2025-11');
    const locale = lang === 'ca' ? 'ca-ES' : 'es-ES';
    const chart: ChartGeometry = chartGeometry(rows, {
      energy,
      monthNames: t('consumption.months', { returnObjects: true }) as unknown as string[],
      formatNumber: (n) => new Intl.NumberFormat(locale).format(n),
    });
    return eta.render('contracts/_consumption-chart', { chart, rows, energy, t, lang, csvUrl, fmt: formatter(lang) });
  }
  const count = (html: string, re: RegExp) => html.match(new RegExp(re.source, 'g'))?.length ?? 0;
  const tbody = (html: string) => /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';

  // Same data as the summary test: +17,5 % over the last 12 months, peak in July 2025.
  const full = months('2022-12', 36, (i) => (i === 31 ? { P1: 100, P2: 60, P3: 40 } : { P1: 40, P2: 30, P3: i < 24 ? 30 : 40 }));
  const html = render(full, 'electricity');

  it('renders an accessible SVG with a title and a one-sentence description', () => {
    expect(html).to.match(/<svg class="consumption-chart" viewBox="0 0 720 300" role="img" aria-labelledby="chart-title chart-desc"/);
    expect(html).to.include('<title id="chart-title">Consumo mensual en kWh</title>');
    expect(html).to.include(
      '<desc id="chart-desc">Entre diciembre de 2023 y noviembre de 2025 has consumido 2.610 kWh; el mes de mayor consumo fue julio de 2025, '
      + 'con 200 kWh, '
      + 'y en los últimos 12 meses has consumido un 17,5\u00a0% más que en los 12 anteriores.</desc>',
    );
  });

  it('draws 24 bars with tooltips, 72 coloured segments, month labels and a legend', () => {
    expect(count(html, /<g class="bar">\s*<title>/)).to.equal(24);
    expect(count(html, /<rect class="segment segment-P\d"[^>]*><title>/)).to.equal(72);
    expect(html).to.include('fill="#073763"').and.include('fill="#3d85c6"').and.include('fill="#b45f06"');
    expect(html).to.include('<title>julio de 2025 · P2 llano: 60 kWh</title>');
    expect(count(html, /transform="rotate\(-45 /)).to.equal(24);
    expect(html).to.include('>dic 23</text>');
    expect(html).to.match(/<g class="legend">\s*<rect[^>]*fill="#073763"[^>]*\/>\s*<text[^>]*>P1 punta<\/text>[\s\S]*P2 llano[\s\S]*P3 valle<\/text><text display="none">\.<\/text>\s*<\/g>/);
    expect(html).to.include('<figcaption>');
  });

  it('has a data table with 24 rows, scoped headers and signed changes', () => {
    expect(html).to.include('<table class="consumption-table stack">').and.include('<caption>');
    expect(count(html, /<th scope="col"/)).to.equal(7);
    expect(html).to.include('>Mismo mes del año anterior</th>').and.include('>Variación</th>');
    const body = tbody(html);
    expect(count(body, /<tr[ >]/)).to.equal(24);
    // each cell labelled with its column's heading for phones (data-label, test/support/tables.ts)
    expect(count(body, /<th data-label="Mes" scope="row">/)).to.equal(24);
    expect(count(body, /<td data-label="Variación" class="num change[ "]/)).to.equal(24);
    expect(body).to.include('+10,0\u00a0%<span class="visually-hidden"> (aumento)</span>');
    expect(body).to.include('0,0\u00a0%<span class="visually-hidden"> (sin cambios)</span>');
  });

  it('links the CSV download, escaped', () => {
    expect(html).to.include('<a href="/contratos/7/consumos.csv?desde=2023-12&amp;hasta=2025-11" download>Descargar CSV</a>');
  });

  it('uses no inline style and no script', () => {
    for (const out of [html, render(full, 'gas'), render(full, 'electricity', 'ca')]) {
      expect(out).not.to.include('style=');
      expect(out).not.to.include('<script');
    }
  });

  it('shows missing months as a dash read out as "sin datos", and a minus sign for decreases', () => {
    const gappy = full.filter((m) => m.month !== '2025-03').map((m) => (m.month === '2025-04' ? { ...m, P3: 0 } : m));
    const out = render(gappy, 'electricity');
    expect(out).to.include('<title>marzo de 2025: sin datos</title>');
    expect(out).to.include('<span aria-hidden="true">—</span><span class="visually-hidden"> sin datos</span>');
    expect(out).to.include('\u221230,0\u00a0%<span class="visually-hidden"> (descenso)</span>');
    expect(out).to.include('no hay datos suficientes para comparar');
    expect(count(tbody(out), /<tr[ >]/)).to.equal(24);
  });

  it('renders gas as one "Consumo" series without period columns', () => {
    const out = render(full, 'gas');
    expect(count(out, /<rect class="segment /)).to.equal(24);
    expect(out).to.include('<th scope="col" class="num">Consumo (kWh)</th>');
    expect(out).not.to.include('P2 llano');
    expect(count(out, /<th scope="col"/)).to.equal(4);
    expect(out).to.match(/<g class="legend">\s*<rect[^>]*\/>\s*<text[^>]*>Consumo<\/text><text display="none">\.<\/text>\s*<\/g>/);
  });

  it('renders in Catalan with every key translated', () => {
    const out = render(full, 'electricity', 'ca');
    expect(out).not.to.include('consumption.');
    expect(out).to.include('>gen. 24</text>').and.include('P2 pla').and.include('Descarrega el CSV');
    expect(out).to.include('has consumit un 17,5\u00a0% més');
  });
});

describe('round (half away from zero, binary noise absorbed)', () => {
  const reference = (n: number, decimals: number): number => {
    const f = 10 ** decimals;
    const r = (Math.sign(n) * Math.round(Number((Math.abs(n) * f).toPrecision(15)))) / f;
    return r === 0 ? 0 : r;
  };
  const cases: [number, number, number][] = [
    [1.005, 2, 1.01], [-1.005, 2, -1.01], [2.25, 1, 2.3], [-2.25, 1, -2.3], [0.1 + 0.2, 3, 0.3],
    [1.45, 1, 1.5], [-0, 1, 0], [-0.04, 1, 0], [123456.7891, 3, 123456.789], [5, 0, 5], [2.5, 0, 3],
    [-2.5, 0, -3], [1e9 + 0.5, 0, 1e9 + 1], [0.000049, 4, 0], [0.00005, 4, 0.0001],
  ];
  for (const [n, d, expected] of cases) {
    it(`round(${n}, ${d}) = ${expected}`, () => {
      expect(Object.is(round(n, d), expected)).to.equal(true);
    });
  }
  it('agrees with the string-based rounding on 200,000 values near and away from halves', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200_000; i++) {
      const d = i % 4;
      const scale = 10 ** Math.floor(random() * 10);
      // every other value sits on a half of the last decimal, as sums of kWh and pixels do
      const base = Math.floor(random() * scale * 10 ** d);
      const n = (i % 2 ? (base + 0.5) / 10 ** d : random() * scale) * (random() < 0.5 ? -1 : 1);
      expect(round(n, d), `round(${n}, ${d})`).to.equal(reference(n, d));
    }
  });
});
