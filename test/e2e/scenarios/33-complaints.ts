import fs from 'node:fs/promises';
import type { Scenario } from '../harness';
import { login } from '../login';

/** A small PDF made here (file-type recognises it by its "%PDF-" magic bytes). */
function tinyPdf(label: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${label}\ntrailer<</Root 1 0 R>>\n%%EOF\n`, 'latin1');
}

export const scenarios: Scenario[] = [
  {
    name: 'household files a complaint with a PDF attached and follows it in Mis gestiones',
    async run(h) {
      const { page, expect } = h;
      const mode = h.javaScript ? 'js' : 'nojs';
      const pdf = tinyPdf(`reclamacion-${mode}-${Date.now()}`);
      const fileName = `factura-reclamada-${mode}.pdf`;
      await login(h, '12345678Z', 'Cliente-Demo-2026');
      await page.click('a:has-text("Calle de Cirilo Amorós 24")');
      await page.waitForLoadState('load');
      await page.click('a[href$="/reclamacion"]');
      await page.waitForLoadState('load');
      await h.audit('complaint form');
      expect(await page.textContent('h1')).to.contain('Enviar una reclamación');
      expect(await page.textContent('#complaint-deadline')).to.match(/te responderemos como máximo el \d{2}\/\d{2}\/\d{4} /);

      // first a description that is too short: the error is next to the field, the category kept
      await page.check('label:has-text("Facturación")');
      await page.fill('#f-description', 'Muy corta');
      await page.setInputFiles('#f-attachments', { name: fileName, mimeType: 'application/pdf', buffer: pdf });
      await h.submit('form[action$="/reclamacion"] button[type="submit"]');
      expect(await page.textContent('.error-summary')).to.contain('Describe el problema con al menos 20 caracteres');
      expect(await page.textContent('#f-description-error')).to.contain('al menos 20 caracteres');
      expect(await page.isChecked('#f-category')).to.equal(true);
      expect(await page.inputValue('#f-description')).to.equal('Muy corta');

      // then the real complaint, with the PDF attached again
      await page.fill('#f-description', 'La factura de octubre incluye un consumo estimado muy superior a mi lectura real del contador.');
      await page.setInputFiles('#f-attachments', { name: fileName, mimeType: 'application/pdf', buffer: pdf });
      await h.submit('form[action$="/reclamacion"] button[type="submit"]');
      expect(new URL(page.url()).pathname).to.match(/^\/gestiones\/\d+$/);
      const detailPath = new URL(page.url()).pathname;
      const main = await page.textContent('main');
      expect(main).to.contain('Hemos registrado tu reclamación con la referencia');
      expect(main).to.match(/Te responderemos como máximo el \d{2}\/\d{2}\/\d{4}\./);
      const reference = /G-\d{4}-\d{6}/.exec((await page.textContent('h1')) ?? '')?.[0];
      expect(reference, 'reference in the heading').to.be.a('string');
      const link = page.locator(`a[href^="/documentos/"]:has-text("${fileName}")`);
      expect(await link.count()).to.equal(1);

      // the attachment downloads as a file, byte for byte
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).to.equal(fileName);
      expect(Buffer.compare(await fs.readFile(await download.path()), pdf)).to.equal(0);

      // and it is followed in "Mis gestiones"
      await page.click('header a[href="/gestiones"]');
      await page.waitForLoadState('load');
      await h.audit('requests list');
      await page.click(`a:has-text("${reference}")`);
      await page.waitForLoadState('load');
      await h.audit('request detail');
      expect(new URL(page.url()).pathname).to.equal(detailPath);
      expect(await page.textContent('main')).to.contain('Reclamación');
      expect(await page.textContent('main')).to.match(/Te responderemos como máximo el \d{2}\/\d{2}\/\d{4}\./);
      expect(await page.locator(`a[href^="/documentos/"]:has-text("${fileName}")`).count()).to.equal(1);
    },
  },
];
