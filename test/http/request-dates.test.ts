import { expect } from 'chai';
import request from 'supertest';
import { testContext, type TestContext } from '../support/context';
import { createHousehold, loginAs, pageText } from '../support/factories';
import { postMultipart } from '../support/multipart';

/**
 * The complaint deadline prints one way on every page (web/format: dd/mm/yyyy), on Spain's
 * calendar: filed on a day and month of one digit, and late on 30 November UTC, which is
 * already 1 December in Madrid.
 */
describe('Mis gestiones: a complaint\'s dates on the form, the confirmation and the detail', () => {
  let ctx: TestContext;
  let saved: Date;

  before(async function () {
    this.timeout(180_000);
    ctx = await testContext();
    saved = ctx.clock.now();
  });
  after(() => ctx.clock.set(saved));

  const cases: { filed: string; created: string; deadline: string }[] = [
    { filed: '2027-01-03T09:05:00Z', created: '03/01/2027 10:05', deadline: '03/02/2027' },
    { filed: '2026-11-30T23:30:00Z', created: '01/12/2026 00:30', deadline: '01/01/2027' },
  ];

  for (const c of cases) {
    it(`filed at ${c.filed}: created ${c.created}, answered by ${c.deadline}`, async () => {
      ctx.clock.set(new Date(c.filed));
      const h = await createHousehold(ctx.db.knex);
      const agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
      const formPath = `/contratos/${h.supply.contractId}/reclamacion`;
      const form = await agent.get(formPath).expect(200);
      expect(pageText(form.text)).to.include(`te responderemos como máximo el ${c.deadline} `);

      const description = 'La factura de octubre incluye un consumo que no corresponde a mi lectura real del contador.';
      const sent = await postMultipart(agent, formPath, { category: 'billing', description }, [], undefined, 'attachments');
      expect(sent.status).to.equal(303);
      const detail = await agent.get(sent.headers.location as string).expect(200);
      const text = pageText(detail.text);
      // the flash, the deadline fact from the request and the notice: one format, one day
      expect(text).to.include(`Te responderemos como máximo el ${c.deadline}.`);
      expect(text).to.include(`Plazo de respuesta ${c.deadline}`);
      expect(text).to.include(c.created);
      expect(text).not.to.match(/\d{4}-\d{2}-\d{2}/);
      expect(text).not.to.match(/\b\d{1,2} de [a-z]+ de \d{4}/);
    });
  }
});
