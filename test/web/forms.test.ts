import { expect } from 'chai';
import { z } from 'zod';
import { choiceField, emailField, parseForm, textField, checkboxField } from '../../src/web/forms';
import { translator } from '../../src/i18n';

describe('forms: zod field builders and parseForm', () => {
  const t = translator('es');
  const schema = z.object({
    name: textField({ max: 10 }),
    note: textField({ optional: true, multiline: true, min: 3, max: 20 }),
    email: emailField(),
    kind: choiceField(['a', 'b'] as const),
    agree: checkboxField(),
  });
  const ok = { name: '  Ana  María ', note: 'línea 1\r\nlínea 2', email: 'Ana@Example.com', kind: 'a', agree: 'on' };

  it('gives the clean values', () => {
    expect(parseForm(schema, ok, t)).to.deep.include({
      ok: true, value: { name: 'Ana María', note: 'línea 1\nlínea 2', email: 'ana@example.com', kind: 'a', agree: true },
    });
  });

  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    ['a NUL byte', { ...ok, name: 'Ana\u0000' }, { name: 'Este campo contiene caracteres no permitidos. Escríbelo de nuevo sin ellos.' }],
    ['an escape in a textarea', { ...ok, note: 'abc\u001b[31m' }, { note: 'Este campo contiene caracteres no permitidos. Escríbelo de nuevo sin ellos.' }],
    ['DEL', { ...ok, email: 'a\u007f@b.es' }, { email: 'Este campo contiene caracteres no permitidos. Escríbelo de nuevo sin ellos.' }],
    ['a missing field', { ...ok, name: undefined }, { name: 'Este campo es requerido' }],
    ['a repeated field (an array)', { ...ok, name: ['a', 'b'] }, { name: 'Este campo es requerido' }],
    ['a nested object', { ...ok, kind: { $gt: '' } }, { kind: 'Este campo es requerido' }],
    ['too long', { ...ok, name: 'x'.repeat(11) }, { name: 'Escribe como máximo 10 caracteres.' }],
    ['too short when given', { ...ok, note: 'ab' }, { note: 'Escribe al menos 3 caracteres.' }],
    ['a bad email', { ...ok, email: 'ana@' }, { email: 'Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com.' }],
    ['an unknown choice', { ...ok, kind: 'c' }, { kind: 'Este campo es requerido' }],
  ];
  for (const [label, body, errors] of cases) {
    it(`refuses ${label} with a field error`, () => {
      const r = parseForm(schema, body, t);
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors).to.deep.equal(errors);
    });
  }

  it('keeps tab, CR and LF, and the input as typed without control characters', () => {
    const r = parseForm(schema, { ...ok, name: 'A\u0000na', note: 'a\tb' }, t);
    expect(r.form.name).to.equal('Ana');
    expect(r.form.note).to.equal('a\tb');
  });

  it('lists errors in the order of the form and translates them to Catalan', () => {
    const r = parseForm(schema, { kind: 'x', email: 'x' }, translator('ca'));
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(Object.keys(r.errors)).to.deep.equal(['name', 'email', 'kind']);
    if (!r.ok) expect(r.errors.name).to.equal('Aquest camp és obligatori');
  });

  it('never throws on a body that is not an object', () => {
    for (const body of [undefined, null, 'x', 3, []]) expect(parseForm(schema, body, t).ok).to.equal(false);
  });
});
