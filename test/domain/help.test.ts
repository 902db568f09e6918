import { expect } from 'chai';
import { normalizeForSearch, queryWords, searchHelp, type HelpEntry } from '../../src/domain/help';

const ENTRIES: HelpEntry[] = [
  { id: 'ebill', topic: 'invoices', question: '¿Cómo activo la factura electrónica?', answer: ['Desde la página del contrato.'] },
  { id: 'pdf', topic: 'invoices', question: '¿Por qué mi factura está firmada?', answer: ['La firma electrónica garantiza que nadie la ha cambiado.'] },
  { id: 'pass', topic: 'access', question: 'He olvidado la contraseña', answer: ['Usa «¿Has olvidado la contraseña?» en la página de acceso.'] },
  { id: 'dnie', topic: 'access', question: 'Acceso con DNIe', answer: ['Necesitas un lector de tarjetas.'] },
];

describe('help search', () => {
  const cases: Array<[string, string[]]> = [
    ['factura electrónica', ['ebill', 'pdf']], // both words in the question of ebill; pdf has them spread
    ['FACTURA ELECTRONICA', ['ebill', 'pdf']], // case and accents ignored
    ['facturas', ['ebill', 'pdf']], // a plural searches as its singular
    ['facturacion', []], // a longer word than the text's is not a prefix of it
    ['factur', ['ebill', 'pdf']], // a word's start finds it
    ['contraseña', ['pass']],
    ['contrasena', ['pass']],
    ['  ¿dnie?  ', ['dnie']], // punctuation and spaces around
    ['lector dnie', ['dnie']], // one word in the answer, one in the question
    ['dnie contraseña', []], // every word must be there
    ['de la el', []], // only stop words: nothing to search
    ['', []],
    ['<script>', []],
  ];
  for (const [query, ids] of cases) {
    it(`"${query}" → [${ids.join(', ')}]`, () => {
      expect(searchHelp(ENTRIES, query).map((m) => m.entry.id)).to.deep.equal(ids);
    });
  }

  it('ranks a match in the question above a match only in the answer', () => {
    const [first, second] = searchHelp(ENTRIES, 'electronica');
    expect(first?.entry.id).to.equal('ebill');
    expect(second?.entry.id).to.equal('pdf');
    expect(first!.score).to.be.greaterThan(second!.score);
  });

  it('normalises text for comparison', () => {
    expect(normalizeForSearch('Facturación-Electrónica, ¡ya!')).to.equal('facturacion electronica ya');
    expect(queryWords('la la FACTURAS factura a')).to.deep.equal(['factura']);
    expect(queryWords('x'.repeat(500))[0]).to.have.length(100);
  });
});
