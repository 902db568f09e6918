/**
 * The passes `render` makes over a page (src/web): error-summary links named by their field and
 * kept values put back into one form; and the tables' reference (test/support/tables.ts), which
 * every rendered page is held to now that the templates label their own tables.
 */
import { expect } from 'chai';
import { fieldName, nameErrorSummaryLinks } from '../../src/web/error-summary';
import { fillFormInPage } from '../../src/web/form-fill';
import { enhanceTables } from '../support/tables';

const FORM = `
<form method="post" action="/idioma"><input type="hidden" name="lang" value="es"><input name="email" value="x"></form>
<form method="post" action="/contratos/7/reclamacion">
  <input type="hidden" name="_csrf" value="token">
  <fieldset><legend>Motivo</legend>
    <input type="radio" id="f-category" name="category" value="billing"><label for="f-category">Facturación</label>
    <input type="radio" id="f-category-meter" name="category" value="meter" checked><label for="f-category-meter">Contador</label>
  </fieldset>
  <label for="f-email">Email <span class="optional">(opcional)</span></label>
  <input id="f-email" name="email" type="email" value="">
  <input id="f-password" name="password" type="password">
  <select id="f-day" name="day"><option value="5" selected>5</option><option value="20">20</option></select>
  <input type="checkbox" id="f-accept" name="accept">
  <textarea id="f-description" name="description">old</textarea>
</form>`;

describe('page passes: error summaries, kept forms, tables', () => {
  it('names a field by its label, or by its legend for a radio group', () => {
    const cases: [string, string | undefined][] = [
      ['f-email', 'Email'],
      ['f-category', 'Motivo'],
      ['f-description', undefined],
      ['f-nothing', undefined],
    ];
    for (const [id, name] of cases) expect(fieldName(FORM, id), id).to.equal(name);
    const page = `<div class="error-summary"><ul><li><a href="#f-email">Este campo es requerido</a></li><li><a href="#f-x">Otro</a></li></ul></div>${FORM}`;
    const named = nameErrorSummaryLinks(page);
    expect(named).to.include('<a href="#f-email">Email: Este campo es requerido</a>');
    expect(named).to.include('<a href="#f-x">Otro</a>');
    expect(nameErrorSummaryLinks(named)).to.equal(named);
  });

  it('fills only the form it was sent from, escaping what was typed and never a password', () => {
    const out = fillFormInPage(FORM, '/contratos/7/reclamacion', {
      category: 'billing', email: 'a"b@c.es', password: 'secret', day: '20', accept: 'on', description: '<b>&', lang: 'ca', _csrf: 'evil',
    });
    expect(out).to.include('<input type="radio" id="f-category" name="category" value="billing" checked>');
    expect(out).to.include('<input type="radio" id="f-category-meter" name="category" value="meter">');
    expect(out).to.include('<input id="f-email" name="email" type="email" value="a&quot;b@c.es">');
    expect(out).to.include('<input id="f-password" name="password" type="password">');
    expect(out).to.include('<option value="5">5</option><option value="20" selected>20</option>');
    expect(out).to.include('<input type="checkbox" id="f-accept" name="accept" checked>');
    expect(out).to.include('<textarea id="f-description" name="description">&lt;b&gt;&amp;</textarea>');
    expect(out).to.include('name="_csrf" value="token"');
    // the other form on the page stays as it was
    expect(out).to.include('<input type="hidden" name="lang" value="es"><input name="email" value="x">');
    expect(fillFormInPage(FORM, '/otra', { email: 'x' })).to.equal(FORM);
  });

  it('labels the cells of stacked tables and makes other scroll boxes focusable, named groups', () => {
    const stacked = enhanceTables('<div class="table-wrap"><table class="stack"><thead><tr><th>Número</th><th>Importe <span class="visually-hidden">con IVA</span></th></tr></thead>'
      + '<tbody><tr><td>FE1</td><td>10 €</td></tr><tr><th colspan="2">Grupo</th></tr></tbody></table></div>');
    expect(stacked).to.include('<tr><td data-label="Número">FE1</td><td data-label="Importe con IVA">10 €</td></tr>');
    expect(stacked).to.include('<tr><th colspan="2">Grupo</th></tr>');
    expect(stacked).to.include('<div class="table-wrap"><table class="stack">');
    const scrolling = enhanceTables('<div class="table-wrap">\n<table><caption>Consumo "mensual"</caption><tbody><tr><td>1</td></tr></tbody></table></div>');
    expect(scrolling).to.include('<div class="table-wrap" role="group" tabindex="0" aria-label="Consumo &quot;mensual&quot;">');
    const bare = '<table><tbody><tr><td>1</td></tr></tbody></table>';
    expect(enhanceTables(bare)).to.equal(bare);
  });
});
