import PDFDocument from 'pdfkit';
import { retailer } from '../../domain/retailer';

/**
 * The conditions of a maintenance service as a PDF, handed to the customer before contracting.
 * It receives the texts already translated and the figures already formatted, so it says
 * exactly what the page says. Fixed dates give identical bytes for identical input.
 */
export interface ServiceConditionsView {
  title: string;
  lang: 'es' | 'ca';
  facts: { label: string; value: string }[];
  sections: { heading: string; paragraphs: string[] }[];
  footer: string;
}

const MARGIN = 50;
// Standard PDF fonts encode Windows-1252 only; Spanish and Catalan texts fit.
const latin = (s: string): string => s.replace(/[\u2009\u202f]/g, ' ').replace(/[^\u0020-\u00ff€’“”–—·]/g, '?');

export function renderServiceConditionsPdf(v: ServiceConditionsView): Promise<Buffer> {
  const fixed = new Date('2026-12-01T00:00:00Z');
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, lang: v.lang === 'ca' ? 'ca-ES' : 'es-ES',
    info: { Title: latin(v.title), Author: retailer.name, CreationDate: fixed, ModDate: fixed },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(16).fillColor('#0a5c63').text(latin(`${retailer.brand} · ${v.title}`));
  doc.moveDown(0.6).fillColor('#1c1f23');
  for (const f of v.facts) {
    doc.font('Helvetica-Bold').fontSize(10).text(latin(`${f.label}: `), { continued: true })
      .font('Helvetica').text(latin(f.value));
  }
  for (const s of v.sections) {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).fillColor('#0a5c63').text(latin(s.heading));
    doc.fillColor('#1c1f23').font('Helvetica').fontSize(9.5);
    for (const p of s.paragraphs) doc.moveDown(0.3).text(latin(p), { align: 'justify' });
  }
  doc.moveDown(1.2).font('Helvetica').fontSize(8).fillColor('#5b6570').text(latin(v.footer));
  doc.end();
  return done;
}
