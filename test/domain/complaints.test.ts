import { expect } from 'chai';
import {
  COMPLAINT_CATEGORIES, complaintPayload, descriptionExcerpt, isComplaintCategory, normalizeDescription, validateComplaint,
  type ComplaintCheck, type ComplaintInput,
} from '../../src/domain/complaints';
import { todayInSpain } from '../../src/domain/time';

describe('complaint validation', () => {
  const ok20 = 'La factura es errónea';
  const cases: [string, ComplaintInput, ComplaintCheck][] = [
    ['a valid complaint', { category: 'billing', description: ok20 }, { ok: true, value: { category: 'billing', description: ok20 } }],
    ['trims and normalises line breaks', { category: 'other', description: '  Primera línea larga\r\nsegunda  \r\n' }, { ok: true, value: { category: 'other', description: 'Primera línea larga\nsegunda' } }],
    ['exactly 20 characters', { category: 'supply_quality', description: 'x'.repeat(20) }, { ok: true, value: { category: 'supply_quality', description: 'x'.repeat(20) } }],
    ['20 characters with accents count as 20', { category: 'contracting', description: 'á'.repeat(20) }, { ok: true, value: { category: 'contracting', description: 'á'.repeat(20) } }],
    ['exactly 4000 characters', { category: 'customer_service', description: 'y'.repeat(4000) }, { ok: true, value: { category: 'customer_service', description: 'y'.repeat(4000) } }],
    ['19 characters', { category: 'billing', description: 'x'.repeat(19) }, { ok: false, errors: [{ field: 'description', code: 'too_short' }] }],
    ['19 characters padded with spaces', { category: 'billing', description: `   ${'x'.repeat(19)}    ` }, { ok: false, errors: [{ field: 'description', code: 'too_short' }] }],
    ['4001 characters', { category: 'billing', description: 'y'.repeat(4001) }, { ok: false, errors: [{ field: 'description', code: 'too_long' }] }],
    ['an empty description', { category: 'billing', description: '   ' }, { ok: false, errors: [{ field: 'description', code: 'required' }] }],
    ['no category', { category: '', description: ok20 }, { ok: false, errors: [{ field: 'category', code: 'required' }] }],
    ['an unknown category', { category: 'facturacion', description: ok20 }, { ok: false, errors: [{ field: 'category', code: 'required' }] }],
    ['both wrong', { category: 'x', description: 'corta' }, { ok: false, errors: [{ field: 'category', code: 'required' }, { field: 'description', code: 'too_short' }] }],
    ['control characters do not count', { category: 'billing', description: `${'x'.repeat(15)}\u0000\u0001\u0002\u0003\u0004\u0005` }, { ok: false, errors: [{ field: 'description', code: 'too_short' }] }],
  ];
  for (const [label, input, expected] of cases) it(label, () => expect(validateComplaint(input)).to.deep.equal(expected));

  it('has the six categories of the form', () => {
    expect(COMPLAINT_CATEGORIES).to.deep.equal(['billing', 'reading_consumption', 'contracting', 'supply_quality', 'customer_service', 'other']);
    expect(isComplaintCategory('billing')).to.equal(true);
    expect(isComplaintCategory('toString')).to.equal(false);
    expect(isComplaintCategory(undefined)).to.equal(false);
  });

  it('keeps tabs and line breaks but removes other control characters', () => {
    expect(normalizeDescription('a\tb\nc\u0007d\u009be')).to.equal('a\tb\ncde');
  });
});

describe('complaint payload', () => {
  const cases: [string, string, string][] = [
    ['short text whole', 'Corte de luz de tres horas', 'Corte de luz de tres horas'],
    ['first 200 characters', 'z'.repeat(500), 'z'.repeat(200)],
    ['whole characters only', '😀'.repeat(300), '😀'.repeat(200)],
  ];
  for (const [label, text, excerpt] of cases) it(`excerpt: ${label}`, () => expect(descriptionExcerpt(text)).to.equal(excerpt));

  it('holds category, excerpt, attachments count and deadline', () => {
    expect(complaintPayload({ category: 'billing', description: 'w'.repeat(300), attachments: 2, deadline: '2026-12-20' }))
      .to.deep.equal({ category: 'billing', description: 'w'.repeat(200), attachments: 2, deadline: '2026-12-20' });
  });

  const days: [string, string][] = [
    ['2026-12-20T10:00:00Z', '2026-12-20'],
    ['2026-12-20T23:30:00Z', '2026-12-21'], // already the 21st in Madrid (CET, UTC+1)
    ['2026-07-31T22:30:00Z', '2026-08-01'], // CEST, UTC+2
    ['2026-07-31T21:30:00Z', '2026-07-31'],
  ];
  for (const [at, day] of days) it(`${at} is ${day} in Spain`, () => expect(todayInSpain(new Date(at))).to.equal(day));
});
