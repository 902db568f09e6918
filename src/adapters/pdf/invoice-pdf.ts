import PDFDocument from 'pdfkit';
import type { InvoiceLine, InvoiceLineKind, InvoiceTotals, TariffPeriod } from '../../domain/billing-types';
import { retailer } from '../../domain/retailer';

export interface InvoicePdfData {
  number: string;
  issueDate: string; // ISO dates 'YYYY-MM-DD'
  dueDate: string;
  periodStart: string;
  periodEnd: string;
  holder: { name: string; taxId: string; address: string[] /* lines */ };
  contractAccountNumber: string;
  contractNumber: string;
  supply: {
    cups: string;
    address: string;
    energy: 'electricity' | 'gas';
    tariff: string;
    productName: string;
    powerKw: { P1: number; P2: number } | null;
    distributor: string;
  };
  readings: {
    previous: { date: string; P1: number; P2: number | null; P3: number | null } | null;
    current: { date: string; P1: number; P2: number | null; P3: number | null } | null;
  };
  consumptionKwh: { P1: number; P2: number; P3: number };
  /** Which readings were billed (absent on older data: the distributor's). */
  readingsSource?: 'real' | 'customer' | 'estimated';
  /** A rectifying invoice: the invoice it replaces and why. */
  rectifies?: { number: string; issueDate: string; reason: string };
  history: { month: string /* 'YYYY-MM' */; kwh: number }[]; // up to 14 months for the small chart
  lines: InvoiceLine[];
  totals: InvoiceTotals;
  paymentMethod: { kind: 'direct_debit'; maskedIban: string } | { kind: 'transfer' };
  delivery: 'paper' | 'electronic';
}

export interface RenderInvoiceOptions {
  duplicate: boolean;
  generatedAt: Date;
}

type Doc = PDFKit.PDFDocument;

const PAGE_W = 595.28; // A4 in points
const PAGE_H = 841.89;
const MARGIN = 40;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const RIGHT = PAGE_W - MARGIN;
const FOOTER_TOP = PAGE_H - 74;
const CONTENT_BOTTOM = FOOTER_TOP - 10;
const COL_GAP = 14;
const COL_W = (CONTENT_W - COL_GAP) / 2;
const MAX_HISTORY_BARS = 14;

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';

const C = {
  brand: '#0a5c63',
  brandSoft: '#e6f1f1',
  text: '#1c1f23',
  muted: '#5b6570',
  rule: '#c8d0d5',
  boxBg: '#f4f6f7',
  bar: '#9fc4c6',
  duplicate: '#c62828',
};

const MONTHS = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];

/** Renders the invoice as an unsigned PDF; identical input gives identical bytes. */
export function renderInvoicePdf(data: InvoicePdfData, opts: RenderInvoiceOptions): Promise<Buffer> {
  assertAmountsAddUp(data);
  const energyLabel = data.supply.energy === 'electricity' ? 'electricidad' : 'gas natural';
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    // pdfkit 0.20 always writes a classic xref table and never object streams, which is the
    // structure @signpdf/placeholder-plain parses; 1.4 only because the watermark uses transparency.
    pdfVersion: '1.4',
    autoFirstPage: false,
    // Footers, page numbers and the watermark need the page count, known only at the end.
    bufferPages: true,
    lang: 'es-ES',
    displayTitle: true,
    info: {
      Title: `Factura ${data.number}`,
      Author: retailer.name,
      Subject: `Factura de ${energyLabel} ${formatDate(data.periodStart)} - ${formatDate(data.periodEnd)}`,
      Creator: `${retailer.brand} Área Clientes`,
      Producer: `${retailer.brand} Área Clientes`,
      // pdfkit derives the file /ID from these dates; fixing them makes the output reproducible.
      CreationDate: opts.generatedAt,
      ModDate: opts.generatedAt,
    },
  });
  const output = collect(doc);

  const layout = new InvoiceLayout(doc, data, opts);
  layout.render();
  doc.end();
  return output;
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** A bill whose printed lines do not add up to its printed total must never reach a customer. */
function assertAmountsAddUp(data: InvoicePdfData): void {
  const { taxableBaseCents, vatCents, totalCents } = data.totals;
  const base = data.lines.filter((l) => l.kind !== 'vat').reduce((s, l) => s + l.amountCents, 0);
  const vatLines = data.lines.filter((l) => l.kind === 'vat');
  const vat = vatLines.reduce((s, l) => s + l.amountCents, 0);
  const problems: string[] = [];
  if (base !== taxableBaseCents) {
    problems.push(`lines before VAT add up to ${base} cents, taxable base is ${taxableBaseCents}`);
  }
  if (vatLines.length > 0 && vat !== vatCents) {
    problems.push(`VAT lines add up to ${vat} cents, VAT total is ${vatCents}`);
  }
  if (taxableBaseCents + vatCents !== totalCents) {
    problems.push(`base ${taxableBaseCents} + VAT ${vatCents} ≠ total ${totalCents}`);
  }
  if (problems.length > 0) throw new RangeError(`Invoice ${data.number} does not add up: ${problems.join('; ')}`);
}

class InvoiceLayout {
  private y = MARGIN;

  constructor(
    private readonly doc: Doc,
    private readonly data: InvoicePdfData,
    private readonly opts: RenderInvoiceOptions,
  ) {}

  render(): void {
    this.doc.addPage();
    this.header();
    this.parties();
    this.summary();
    this.readingsAndHistory();
    this.payment();
    this.finishPages();
  }

  // ── layout primitives ────────────────────────────────────────────────────

  private text(
    s: string, x: number, y: number,
    o: { font?: string; size?: number; color?: string; width?: number; align?: 'left' | 'right' | 'center' } = {},
  ): void {
    const d = this.doc;
    d.font(o.font ?? FONT).fontSize(o.size ?? 8.5).fillColor(o.color ?? C.text);
    d.text(pdfText(s), x, y, { width: o.width, align: o.align ?? 'left', lineBreak: o.width !== undefined });
  }

  private height(s: string, width: number, font = FONT, size = 8.5): number {
    return this.doc.font(font).fontSize(size).heightOfString(pdfText(s), { width });
  }

  private rule(y: number, color = C.rule, x1 = MARGIN, x2 = RIGHT, width = 0.6): void {
    this.doc.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
  }

  private box(x: number, y: number, w: number, h: number, fill: string): void {
    this.doc.save().roundedRect(x, y, w, h, 4).fillColor(fill).fill().restore();
  }

  /** Starts a new page when the next block does not fit above the footer. */
  private ensureSpace(h: number): void {
    if (this.y + h <= CONTENT_BOTTOM) return;
    this.doc.addPage();
    this.y = MARGIN;
    this.continuationHeader();
  }

  private sectionTitle(title: string, x = MARGIN, width = CONTENT_W): number {
    this.text(title, x, this.y, { font: BOLD, size: 10.5, color: C.brand, width });
    return 16;
  }

  // ── blocks ───────────────────────────────────────────────────────────────

  private duplicateLine(): string {
    return `DUPLICADO — emitido el ${formatGeneratedAt(this.opts.generatedAt)}`;
  }

  private header(): void {
    const { data } = this;
    const top = this.y;

    // Brand mark: a bolt in a rounded square, vector so it needs no image asset.
    this.doc.save().roundedRect(MARGIN, top, 26, 26, 5).fillColor(C.brand).fill();
    this.doc.polygon(
      [MARGIN + 15, top + 4], [MARGIN + 7, top + 15], [MARGIN + 12.5, top + 15], [MARGIN + 10, top + 22],
      [MARGIN + 19, top + 11], [MARGIN + 13.5, top + 11],
    )
      .fillColor('#ffffff').fill().restore();
    this.text(retailer.brand, MARGIN + 33, top + 2, { font: BOLD, size: 20, color: C.brand });

    let ly = top + 34;
    const leftW = 250;
    for (const [s, font] of [
      [retailer.name, BOLD],
      [`CIF ${retailer.taxId}`, FONT],
      [retailer.address, FONT],
      [`Tel. ${retailer.phone} (gratuito) · ${retailer.email}`, FONT],
    ] as const) {
      this.text(s, MARGIN, ly, { font, size: 8, color: font === BOLD ? C.text : C.muted, width: leftW });
      ly += this.height(s, leftW, font, 8) + 1;
    }

    const rx = 300;
    const rw = RIGHT - rx;
    let ry = top;
    if (this.opts.duplicate) {
      this.text(this.duplicateLine(), rx, ry, { font: BOLD, size: 10, color: C.duplicate, width: rw, align: 'right' });
      ry += 15;
    }
    const title = data.rectifies ? 'FACTURA RECTIFICATIVA'
      : data.supply.energy === 'electricity' ? 'FACTURA DE ELECTRICIDAD' : 'FACTURA DE GAS NATURAL';
    this.text(title, rx, ry, { font: BOLD, size: 14, color: C.brand, width: rw, align: 'right' });
    ry += 22;
    const days = daysInclusive(data.periodStart, data.periodEnd);
    const dueLabel = data.paymentMethod.kind === 'direct_debit' ? 'Fecha de cargo' : 'Fecha límite de pago';
    const rows: [string, string][] = [
      ['Nº de factura', data.number],
      ['Fecha de emisión', formatDate(data.issueDate)],
      ['Periodo de facturación', `${formatDate(data.periodStart)} a ${formatDate(data.periodEnd)} (${days} días)`],
      [dueLabel, formatDate(data.dueDate)],
      ...(data.rectifies
        ? [[
          'Rectifica la factura', `${data.rectifies.number} del ${formatDate(data.rectifies.issueDate)}`,
        ] as [string, string]]
        : []),
    ];
    for (const [label, value] of rows) {
      this.text(label, rx + 20, ry, { size: 8.5, color: C.muted });
      this.text(value, rx, ry, { font: BOLD, size: 8.5, width: rw, align: 'right' });
      ry += 12.5;
    }

    if (data.rectifies) {
      // RD 1619/2012 art. 15: the rectifying invoice says which one it corrects and why
      const why = `Motivo de la rectificación: ${data.rectifies.reason}. ` +
        `Sustituye a la factura ${data.rectifies.number}.`;
      this.text(why, rx, ry, { size: 8, color: C.muted, width: rw, align: 'right' });
      ry += this.height(why, rw, FONT, 8) + 4;
    }
    this.y = Math.max(ly, ry) + 8;
    this.rule(this.y, C.brand, MARGIN, RIGHT, 1.2);
    this.y += 10;
  }

  private continuationHeader(): void {
    let y = this.y;
    if (this.opts.duplicate) {
      this.text(
        this.duplicateLine(), MARGIN, y, { font: BOLD, size: 10, color: C.duplicate, width: CONTENT_W, align: 'right' },
      );
      y += 15;
    }
    this.text(
      `${retailer.brand} · Factura ${this.data.number} (continuación)`, MARGIN, y,
      { font: BOLD, size: 9, color: C.brand, width: CONTENT_W },
    );
    y += 14;
    this.rule(y, C.brand, MARGIN, RIGHT, 1.2);
    this.y = y + 10;
  }

  /** Holder and supply side by side; both boxes take the height of the taller one. */
  private parties(): void {
    const { data } = this;
    const pad = 8;
    const inner = COL_W - 2 * pad;
    const s = data.supply;
    const holder: Row[] = [
      { text: data.holder.name, font: BOLD },
      { label: 'NIF/CIF', text: data.holder.taxId },
      ...data.holder.address.map((line): Row => ({ text: line })),
      { gap: 4 },
      { label: 'Nº de contrato', text: data.contractNumber },
      { label: 'Cuenta contrato', text: data.contractAccountNumber },
    ];
    const supply: Row[] = [
      { label: 'CUPS', text: s.cups, font: BOLD },
      { label: 'Dirección de suministro', text: s.address },
      { label: 'Peaje de acceso', text: s.tariff },
      { label: 'Producto', text: s.productName },
      ...(s.powerKw
        ? [{ label: 'Potencia contratada', text: `P1 ${formatKw(s.powerKw.P1)} kW · P2 ${formatKw(s.powerKw.P2)} kW` }]
        : []),
      { label: 'Empresa distribuidora', text: s.distributor },
    ];
    const titleH = 14;
    const h = Math.max(this.rowsHeight(holder, inner), this.rowsHeight(supply, inner)) + titleH + 2 * pad;
    this.ensureSpace(h);
    const top = this.y;
    for (const [x, title, rows] of [
      [MARGIN, 'TITULAR DEL CONTRATO', holder],
      [MARGIN + COL_W + COL_GAP, 'DATOS DEL SUMINISTRO', supply],
    ] as const) {
      this.box(x, top, COL_W, h, C.boxBg);
      this.text(title, x + pad, top + pad, { font: BOLD, size: 7.5, color: C.brand });
      this.drawRows(rows, x + pad, top + pad + titleH, inner);
    }
    this.y = top + h + 14;
  }

  private rowsHeight(rows: Row[], width: number): number {
    return rows.reduce((sum, r) => sum + this.rowHeight(r, width), 0);
  }

  private rowHeight(r: Row, width: number): number {
    if ('gap' in r) return r.gap;
    return this.height(rowString(r), width, r.font ?? FONT, 8.5) + 1.5;
  }

  private drawRows(rows: Row[], x: number, y: number, width: number): void {
    const d = this.doc;
    for (const r of rows) {
      if (!('gap' in r)) {
        d.fillColor(C.text).fontSize(8.5);
        if (r.label) {
          d.font(FONT).fillColor(C.muted).text(pdfText(`${r.label}: `), x, y, { width, continued: true });
          d.font(r.font ?? FONT).fillColor(C.text).text(pdfText(r.text), { width });
        } else {
          d.font(r.font ?? FONT).text(pdfText(r.text), x, y, { width });
        }
      }
      y += this.rowHeight(r, width);
    }
  }

  /** "Resumen de la factura": every line with how it was computed, then base, VAT and total. */
  private summary(): void {
    const { data } = this;
    const cx = MARGIN + 6;
    const cw = 150;
    const dx = cx + cw + 6;
    const dw = 250;
    const ax = dx + dw + 6;
    const aw = RIGHT - 6 - ax;

    this.ensureSpace(60);
    this.y += this.sectionTitle('Resumen de la factura');
    const headH = 15;
    this.doc.save().rect(MARGIN, this.y, CONTENT_W, headH).fillColor(C.brandSoft).fill().restore();
    this.text('Concepto', cx, this.y + 4, { font: BOLD, size: 7.5, color: C.brand });
    this.text('Detalle del cálculo', dx, this.y + 4, { font: BOLD, size: 7.5, color: C.brand });
    this.text('Importe', ax, this.y + 4, { font: BOLD, size: 7.5, color: C.brand, width: aw, align: 'right' });
    this.y += headH + 3;

    const row = (concept: string, detail: string, amount: string, bold = false): void => {
      const h = Math.max(
        this.height(concept, cw, bold ? BOLD : FONT, 8.5), detail ? this.height(detail, dw, FONT, 7.5) : 0,
      ) + 5;
      this.ensureSpace(h + 2);
      this.text(concept, cx, this.y, { font: bold ? BOLD : FONT, size: 8.5, width: cw });
      if (detail) this.text(detail, dx, this.y + 0.8, { size: 7.5, color: C.muted, width: dw });
      this.text(amount, ax, this.y, { font: bold ? BOLD : FONT, size: 8.5, width: aw, align: 'right' });
      this.y += h;
    };

    const energy = data.supply.energy;
    for (const line of data.lines.filter((l) => l.kind !== 'vat')) {
      row(lineLabel(line.kind, line.period, energy), line.detail, formatEuros(line.amountCents));
      this.rule(this.y - 2.5, '#e3e7ea');
    }
    this.y += 2;
    this.rule(this.y - 2, C.rule, MARGIN, RIGHT, 0.9);
    row('Base imponible', '', formatEuros(data.totals.taxableBaseCents), true);
    const vatLines = data.lines.filter((l) => l.kind === 'vat');
    if (vatLines.length > 0) {
      for (const line of vatLines) row(vatLabel(line), line.detail, formatEuros(line.amountCents));
    } else {
      row('IVA', '', formatEuros(data.totals.vatCents));
    }

    const totalH = 30;
    this.ensureSpace(totalH + 14);
    this.y += 4;
    this.box(MARGIN, this.y, CONTENT_W, totalH, C.brand);
    this.text('TOTAL A PAGAR', MARGIN + 12, this.y + 9, { font: BOLD, size: 13, color: '#ffffff' });
    this.text(
      formatEuros(data.totals.totalCents), RIGHT - 212, this.y + 8,
      { font: BOLD, size: 15, color: '#ffffff', width: 200, align: 'right' },
    );
    this.y += totalH + 16;
  }

  /** Readings and consumption by period on the left, the monthly history chart on the right. */
  private readingsAndHistory(): void {
    const chartH = 150;
    this.ensureSpace(chartH + 20);
    const top = this.y;
    const leftEnd = this.readings(MARGIN, top, COL_W);
    const rightEnd = this.historyChart(MARGIN + COL_W + COL_GAP, top, COL_W, chartH);
    this.y = Math.max(leftEnd, rightEnd) + 14;
  }

  private readings(x: number, top: number, w: number): number {
    const { data } = this;
    const { previous, current } = data.readings;
    const electricity = data.supply.energy === 'electricity';
    let y = top;
    this.text('Lecturas y consumo', x, y, { font: BOLD, size: 10.5, color: C.brand, width: w });
    y += 16;

    const cols = [x + 4, x + 62, x + 128, x + 194];
    const colW = [56, 62, 62, w - 198];
    const headH = 22;
    this.doc.save().rect(x, y, w, headH).fillColor(C.brandSoft).fill().restore();
    const heads = [
      'Periodo',
      `Lectura anterior\n${previous ? formatDate(previous.date) : '—'}`,
      `Lectura actual\n${current ? formatDate(current.date) : '—'}`,
      'Consumo\n(kWh)',
    ];
    heads.forEach(
      (h, i) => this.text(
        h, cols[i]!, y + 3, { font: BOLD, size: 7, color: C.brand, width: colW[i]!, align: i === 0 ? 'left' : 'right' },
      ),
    );
    y += headH + 3;

    const periods = electricity
      ? ([['P1', 'P1 punta'], ['P2', 'P2 llano'], ['P3', 'P3 valle']] as const)
      : ([['P1', 'Gas']] as const);
    const reading = (r: typeof previous, p: 'P1' | 'P2' | 'P3'): string => {
      const v = r?.[p];
      return v === null || v === undefined ? '—' : formatInt(v);
    };
    for (const [p, label] of periods) {
      const cells = [label, reading(previous, p), reading(current, p), formatInt(data.consumptionKwh[p])];
      cells.forEach(
        (c, i) => this.text(c, cols[i]!, y, { size: 8, width: colW[i]!, align: i === 0 ? 'left' : 'right' }),
      );
      y += 12;
      this.rule(y - 2.5, '#e3e7ea', x, x + w);
    }
    const total = totalKwh(data);
    this.text('Total', cols[0]!, y + 1, { font: BOLD, size: 8, width: colW[0]! });
    this.text(formatInt(total), cols[3]!, y + 1, { font: BOLD, size: 8, width: colW[3]!, align: 'right' });
    y += 14;
    const source = data.readingsSource ?? 'real';
    const sourceNote = source === 'customer' ? 'Lecturas: la lectura actual la ha aportado el cliente.'
      : source === 'estimated' ? 'Lecturas: consumo calculado con una lectura estimada.'
        : 'Lecturas: reales, de la distribuidora.';
    this.text(sourceNote, x, y, { size: 7, color: C.muted, width: w });
    y += this.height(sourceNote, w, FONT, 7) + 3;
    if (!previous || !current) {
      const note = 'Consumo estimado: no disponemos de lectura real del contador para este periodo.';
      this.text(note, x, y, { size: 7, color: C.muted, width: w });
      y += this.height(note, w, FONT, 7) + 3;
    }

    y += 6;
    const days = daysInclusive(data.periodStart, data.periodEnd);
    this.text(`Consumo medio diario: ${formatDecimal(total / days, 1)} kWh/día`, x, y, {
      size: 8, color: C.muted, width: w,
    });
    y += 13;

    if (electricity && total > 0) {
      // Share of each period as a stacked bar: the usual way to show how much falls in punta.
      const shades = [C.brand, '#4f9a9f', C.bar];
      let bx = x;
      const barH = 8;
      (['P1', 'P2', 'P3'] as const).forEach((p, i) => {
        const bw = (w * data.consumptionKwh[p]) / total;
        if (bw > 0) this.doc.save().rect(bx, y, bw, barH).fillColor(shades[i]!).fill().restore();
        bx += bw;
      });
      y += barH + 4;
      const labels = (['P1 punta', 'P2 llano', 'P3 valle'] as const).map((l, i) => {
        const p = (['P1', 'P2', 'P3'] as const)[i]!;
        const percent = Math.round((100 * data.consumptionKwh[p]) / total);
        return `${l}: ${formatInt(data.consumptionKwh[p])} kWh (${percent} %)`;
      });
      const lw = w / 3;
      labels.forEach((l, i) => {
        this.doc.save().rect(x + i * lw, y + 1.5, 5, 5).fillColor(shades[i]!).fill().restore();
        this.text(l, x + i * lw + 7, y, { size: 6.5, color: C.muted, width: lw - 8 });
      });
      y += 18;
    }
    return y;
  }

  /** Monthly consumption bars with vector graphics: an axis with its maximum and labelled months. */
  private historyChart(x: number, top: number, w: number, h: number): number {
    const history = [...this.data.history].sort((a, b) => a.month.localeCompare(b.month)).slice(-MAX_HISTORY_BARS);
    let y = top;
    this.text('Evolución de tu consumo (kWh)', x, y, { font: BOLD, size: 10.5, color: C.brand, width: w });
    y += 18;
    if (history.length === 0) {
      this.text('Aún no hay consumos anteriores que mostrar.', x, y, { size: 8, color: C.muted, width: w });
      return y + 14;
    }

    const axisW = 34;
    const plotX = x + axisW;
    const plotW = w - axisW;
    const plotTop = y + 6;
    const plotH = h - 60;
    const plotBottom = plotTop + plotH;
    const max = niceCeiling(Math.max(...history.map((m) => m.kwh), 1));

    for (const [value, gy] of [[max, plotTop], [max / 2, plotTop + plotH / 2], [0, plotBottom]] as const) {
      this.rule(gy, value === 0 ? C.muted : '#e3e7ea', plotX, x + w, value === 0 ? 0.8 : 0.5);
      this.text(formatInt(value), x, gy - 3, { size: 6.5, color: C.muted, width: axisW - 4, align: 'right' });
    }

    const slot = plotW / history.length;
    const barW = Math.min(slot * 0.62, 16);
    const periodMonth = this.data.periodStart.slice(0, 7);
    history.forEach((m, i) => {
      const bh = (plotH * Math.max(m.kwh, 0)) / max;
      const bx = plotX + i * slot + (slot - barW) / 2;
      const current = m.month === periodMonth;
      if (bh > 0) {
        this.doc.save().rect(bx, plotBottom - bh, barW, bh).fillColor(current ? C.brand : C.bar).fill().restore();
      }
      if (current) {
        this.text(
          formatInt(m.kwh), bx - 10, plotBottom - bh - 9,
          { font: BOLD, size: 6.5, color: C.brand, width: barW + 20, align: 'center' },
        );
      }
      const [yy, mm] = m.month.split('-');
      const label = `${MONTHS[Number(mm) - 1] ?? mm}\n${(yy ?? '').slice(2)}`;
      this.text(
        label, plotX + i * slot - 2, plotBottom + 3,
        { size: 6, color: current ? C.brand : C.muted, width: slot + 4, align: 'center', font: current ? BOLD : FONT },
      );
    });

    const avg = history.reduce((s, m) => s + m.kwh, 0) / history.length;
    this.text(
      `Media de los últimos ${history.length} meses: ${formatInt(Math.round(avg))} kWh/mes`, x, plotBottom + 24,
      { size: 7, color: C.muted, width: w },
    );
    return plotBottom + 36;
  }

  private payment(): void {
    const { data } = this;
    const pad = 8;
    const inner = CONTENT_W - 2 * pad;
    const due = formatDate(data.dueDate);
    const lines: Row[] = data.paymentMethod.kind === 'direct_debit'
      ? [
          { text: `Domiciliación bancaria: ${data.paymentMethod.maskedIban}`, font: BOLD },
          { text: `El importe se cargará en tu cuenta el ${due}.` },
        ]
      : [
          { text: 'Pago por transferencia o con tarjeta en el Área Clientes', font: BOLD },
          { text: `Fecha límite de pago: ${due}. Indica el número de factura ${data.number} como concepto.` },
        ];
    lines.push({
      text: data.delivery === 'electronic'
        ? 'Factura electrónica: la tienes siempre disponible en el Área Clientes.'
        : 'Recibes esta factura en papel. Puedes pasarte a la factura electrónica en el Área Clientes.',
    });
    const h = this.rowsHeight(lines, inner) + 14 + 2 * pad;
    this.ensureSpace(h);
    this.box(MARGIN, this.y, CONTENT_W, h, C.boxBg);
    this.text('FORMA DE PAGO', MARGIN + pad, this.y + pad, { font: BOLD, size: 7.5, color: C.brand });
    this.drawRows(lines, MARGIN + pad, this.y + pad + 14, inner);
    this.y += h + 10;
  }

  /** Legal footer, page numbers and (for duplicates) the watermark, on every page. */
  private finishPages(): void {
    const d = this.doc;
    const { start, count } = d.bufferedPageRange();
    const legal = [
      `${retailer.name} · CIF ${retailer.taxId} · ${retailer.address}. ${retailer.registry}.`,
      'Factura firmada electrónicamente. Puedes presentar una reclamación en el Área Clientes, ' +
        `en el teléfono ${retailer.phone} o ante la Junta Arbitral de Consumo.`,
      ...(this.data.supply.energy === 'electricity'
        ? [
          'Origen de la electricidad: Mix de comercialización según CNMC; ' +
            'consulta su desglose e impacto ambiental en www.cnmc.es.',
        ]
        : []),
    ];
    for (let i = start; i < start + count; i++) {
      d.switchToPage(i);
      // Writing below the bottom margin would make pdfkit start a new page.
      d.page.margins.bottom = 0;
      this.rule(FOOTER_TOP, C.rule);
      let fy = FOOTER_TOP + 5;
      for (const l of legal) {
        this.text(l, MARGIN, fy, { size: 6.5, color: C.muted, width: CONTENT_W - 70 });
        fy += this.height(l, CONTENT_W - 70, FONT, 6.5) + 1.5;
      }
      this.text(
        `Página ${i - start + 1} de ${count}`, RIGHT - 65, FOOTER_TOP + 5,
        { size: 6.5, color: C.muted, width: 65, align: 'right' },
      );
      if (this.opts.duplicate) this.watermark();
    }
  }

  private watermark(): void {
    const d = this.doc;
    const word = 'DUPLICADO';
    const size = 96;
    d.save();
    d.font(BOLD).fontSize(size);
    const w = d.widthOfString(word);
    const angle = -(Math.atan(PAGE_H / PAGE_W) * 180) / Math.PI;
    d.rotate(angle, { origin: [PAGE_W / 2, PAGE_H / 2] });
    d.fillColor(C.duplicate).fillOpacity(0.13);
    d.text(word, PAGE_W / 2 - w / 2, PAGE_H / 2 - size * 0.36, { lineBreak: false });
    d.restore();
  }
}

type Row = { gap: number } | { label?: string; text: string; font?: string };

function rowString(r: { label?: string; text: string }): string {
  return r.label ? `${r.label}: ${r.text}` : r.text;
}

function lineLabel(kind: InvoiceLineKind, period: TariffPeriod | undefined, energy: 'electricity' | 'gas'): string {
  const p = period && energy === 'electricity' ? ` ${period}` : '';
  switch (kind) {
    case 'power_term': return `Término de potencia${p}`;
    case 'energy_term': return energy === 'gas' ? 'Término variable' : `Término de energía${p}`;
    case 'fixed_term': return 'Término fijo';
    case 'electricity_tax': return 'Impuesto sobre la electricidad';
    case 'hydrocarbon_tax': return 'Impuesto sobre hidrocarburos';
    case 'meter_rental': return 'Alquiler de equipos de medida';
    case 'service': return 'Servicio de mantenimiento';
    case 'discount': return 'Descuento por promoción';
    case 'vat': return 'IVA';
  }
}

function vatLabel(line: InvoiceLine): string {
  return line.unit === '%' ? `IVA (${formatDecimal(line.unitPrice, line.unitPrice % 1 === 0 ? 0 : 1)} %)` : 'IVA';
}

function totalKwh(data: InvoicePdfData): number {
  const c = data.consumptionKwh;
  return data.supply.energy === 'electricity' ? c.P1 + c.P2 + c.P3 : c.P1;
}

// ── formatting ─────────────────────────────────────────────────────────────

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Integer cents → "1.234,56 €". Built by hand because es-ES Intl does not group 4-digit amounts. */
export function formatEuros(cents: number): string {
  if (!Number.isInteger(cents)) throw new RangeError(`Amounts are integer cents, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${groupThousands(String(Math.floor(abs / 100)))},${String(abs % 100).padStart(2, '0')} €`;
}

function formatInt(n: number): string {
  const r = Math.round(n);
  return `${r < 0 ? '-' : ''}${groupThousands(String(Math.abs(r)))}`;
}

function formatDecimal(n: number, decimals: number): string {
  const [int = '0', frac] = Math.abs(n).toFixed(decimals).split('.');
  return `${n < 0 ? '-' : ''}${groupThousands(int)}${frac ? `,${frac}` : ''}`;
}

function formatKw(n: number): string {
  return formatDecimal(n, 3);
}

/** 'YYYY-MM-DD' → 'dd/mm/yyyy' without going through Date, so no time zone can shift the day. */
function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`Expected an ISO date YYYY-MM-DD, got "${iso}"`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

const madridDate = new Intl.DateTimeFormat(
  'es-ES', { timeZone: 'Europe/Madrid', day: '2-digit', month: '2-digit', year: 'numeric' },
);

/** The duplicate's issue date as the customer sees it in Spain, not in UTC. */
function formatGeneratedAt(d: Date): string {
  const parts = Object.fromEntries(madridDate.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year}`;
}

function daysInclusive(startIso: string, endIso: string): number {
  const ms = Date.parse(`${endIso}T00:00:00Z`) - Date.parse(`${startIso}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}

/** Rounds an axis maximum up to 1, 2, 2.5 or 5 × 10ⁿ so the labels read naturally. */
function niceCeiling(v: number): number {
  const exp = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= v) return step * exp;
  return 10 * exp;
}

// The standard Helvetica fonts only encode Windows-1252; anything else would print as garbage.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Record<string, string> = {
  '\u2212': '-', '\u2009': ' ', '\u202f': ' ', '\u2011': '-', '\u2010': '-', '\u00ad': '',
};

function pdfText(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch in REPLACEMENTS) out += REPLACEMENTS[ch];
    else if (code <= 0xff || CP1252_EXTRA.has(ch)) out += ch;
    else out += '?';
  }
  return out;
}
