import PDFDocument from 'pdfkit';
import { retailer } from '../../domain/retailer';

/**
 * The simulator's printable summary. It receives everything already translated and formatted
 * (the page's own words and numbers), so the PDF says exactly what the screen said.
 */
export interface SolarPdfView {
  title: string;
  generatedOn: string;
  supply: string;
  facts: { label: string; value: string }[];
  table: { caption: string; head: string[]; rows: string[][] };
  chart: {
    title: string;
    legend: [string, string, string];
    months: { label: string; consumption: number; production: number; surplus: number }[];
  };
  assumptions: string;
}

const MARGIN = 40;
const WIDTH = 595.28 - 2 * MARGIN;
const COLOURS = ['#0b5394', '#e69138', '#6aa84f'] as const;
// Standard PDF fonts encode Windows-1252 only; the texts are Spanish and Catalan, which fit.
const latin = (s: string): string => s.replace(/[\u2009\u202f]/g, ' ').replace(/[^\u0020-\u00ff€’“”–—·]/g, '?');

export function renderSolarPdf(v: SolarPdfView): Promise<Buffer> {
  const doc = new PDFDocument(
    { size: 'A4', margin: MARGIN, lang: 'es-ES', info: { Title: latin(v.title), Author: retailer.name } },
  );
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).fillColor('#0a5c63').text(latin(`${retailer.brand} · ${v.title}`));
  doc.moveDown(0.2).font('Helvetica').fontSize(9).fillColor('#5b6570').text(latin(`${v.supply} · ${v.generatedOn}`));
  doc.moveDown(0.8).fillColor('#1c1f23');
  for (const f of v.facts) {
    doc.font('Helvetica-Bold').fontSize(10).text(latin(`${f.label}: `), { continued: true }).font('Helvetica').text(
      latin(f.value),
    );
  }

  // monthly bars
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(latin(v.chart.title));
  const top = doc.y + 6;
  const h = 130;
  const max = Math.max(1, ...v.chart.months.flatMap((m) => [m.consumption, m.production]));
  const slot = WIDTH / Math.max(1, v.chart.months.length);
  v.chart.months.forEach((m, i) => {
    [m.consumption, m.production, m.surplus].forEach((kwh, j) => {
      const bh = (kwh / max) * h;
      doc.rect(MARGIN + i * slot + 4 + j * ((slot - 8) / 3), top + h - bh, (slot - 8) / 3 - 1, bh).fill(COLOURS[j]);
    });
    doc.fillColor('#1c1f23').font('Helvetica').fontSize(7).text(
      latin(m.label), MARGIN + i * slot, top + h + 3, { width: slot, align: 'center' },
    );
  });
  let lx = MARGIN;
  const ly = top + h + 16;
  v.chart.legend.forEach((label, j) => {
    doc.rect(lx, ly, 8, 8).fill(COLOURS[j]);
    doc.fillColor('#1c1f23').fontSize(8).text(latin(label), lx + 11, ly, { lineBreak: false });
    lx += 14 + doc.widthOfString(latin(label)) + 14;
  });

  // monthly table
  doc.x = MARGIN;
  doc.y = ly + 20;
  doc.font('Helvetica-Bold').fontSize(10).text(latin(v.table.caption));
  const colW = WIDTH / v.table.head.length;
  const row = (cells: string[], bold: boolean) => {
    const y = doc.y + 2;
    cells.forEach(
      (c, i) => doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8).text(
        latin(c), MARGIN + i * colW, y, { width: colW - 4, align: i === 0 ? 'left' : 'right', lineBreak: false },
      ),
    );
    doc.x = MARGIN;
    doc.y = y + 11;
  };
  row(v.table.head, true);
  for (const r of v.table.rows) row(r, false);

  doc.moveDown(1).font('Helvetica').fontSize(8).fillColor('#5b6570').text(
    latin(v.assumptions), MARGIN, doc.y, { width: WIDTH },
  );
  doc.moveDown(0.5).text(latin(`${retailer.name} · ${retailer.phone} · ${retailer.email}`), { width: WIDTH });
  doc.end();
  return done;
}
