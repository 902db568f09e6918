import { expect } from 'chai';
import { checkResolution } from '../../src/domain/complaint-resolution';

describe('complaint resolution', () => {
  const text = 'Hemos revisado la lectura y la factura era correcta.';
  const cases: [string, { outcome: string; resolution: string }, ReturnType<typeof checkResolution>][] = [
    ['favourable with a text', { outcome: 'favourable', resolution: text }, { ok: true, value: { outcome: 'favourable', resolution: text } }],
    ['partial, text trimmed', { outcome: 'partial', resolution: `  ${text}\n` }, { ok: true, value: { outcome: 'partial', resolution: text } }],
    ['unfavourable', { outcome: 'unfavourable', resolution: text }, { ok: true, value: { outcome: 'unfavourable', resolution: text } }],
    ['no outcome', { outcome: '', resolution: text }, { ok: false, errors: [{ field: 'outcome', code: 'required' }] }],
    ['an unknown outcome', { outcome: 'maybe', resolution: text }, { ok: false, errors: [{ field: 'outcome', code: 'required' }] }],
    ['no text', { outcome: 'favourable', resolution: '   ' }, { ok: false, errors: [{ field: 'resolution', code: 'required' }] }],
    ['19 characters is too short', { outcome: 'favourable', resolution: 'x'.repeat(19) }, { ok: false, errors: [{ field: 'resolution', code: 'too_short' }] }],
    ['20 characters is enough', { outcome: 'favourable', resolution: 'x'.repeat(20) }, { ok: true, value: { outcome: 'favourable', resolution: 'x'.repeat(20) } }],
    ['4001 characters is too long', { outcome: 'partial', resolution: 'x'.repeat(4001) }, { ok: false, errors: [{ field: 'resolution', code: 'too_long' }] }],
    ['both missing', { outcome: '', resolution: '' }, { ok: false, errors: [{ field: 'outcome', code: 'required' }, { field: 'resolution', code: 'required' }] }],
  ];
  for (const [name, input, expected] of cases) it(name, () => expect(checkResolution(input)).to.deep.equal(expected));
});
