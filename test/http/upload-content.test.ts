/**
 * Uploads with active content (issue 12 item 17): PDFs with scripts, automatic or launch
 * actions or embedded files are refused, however they are written; images are kept without
 * their metadata; files that are also another format (polyglots) are refused. The fixtures
 * are built here, byte by byte.
 */
import zlib from 'node:zlib';
import { expect } from 'chai';
import request from 'supertest';
import { testContext } from '../support/context';
import { createHousehold, csrfFrom, loginAs, pageText, type Agent } from '../support/factories';

function pdf(catalogExtra = '', objects = '', tail = ''): Buffer {
  return Buffer.from(`%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R${catalogExtra}>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n`
    + `3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n${objects}trailer<</Root 1 0 R>>\n%%EOF\n${tail}`, 'latin1');
}

/** A PDF 1.5 object stream, compressed, holding an action dictionary. */
function pdfWithCompressedAction(): Buffer {
  const inner = Buffer.from('4 0 <</S/JavaScript/JS(app.alert\\(1\\))>>', 'latin1');
  const data = zlib.deflateSync(inner);
  const head = Buffer.from(`%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAct#69on 4 0 R>>endobj\n`.replace('/OpenAct#69on 4 0 R', ''), 'latin1');
  const objStm = Buffer.concat([Buffer.from(`5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length ${data.length}>>stream\n`, 'latin1'), data, Buffer.from('\nendstream\nendobj\n', 'latin1')]);
  return Buffer.concat([head, Buffer.from('2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n', 'latin1'), objStm, Buffer.from('trailer<</Root 1 0 R>>\n%%EOF\n', 'latin1')]);
}

const ZIP_TAIL = 'PK\x03\x04\x14\x00\x00\x00\x00\x00' + '\x00'.repeat(16) + 'PK\x05\x06' + '\x00'.repeat(18);

function segment(marker: number, payload: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(payload.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), len, payload]);
}

/** A JPEG's structure: JFIF, EXIF with a GPS note, a comment, tables, one scan, end. */
function jpeg(after = Buffer.alloc(0)): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from('JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00', 'latin1')),
    segment(0xe1, Buffer.from('Exif\x00\x00GPS 39.4699 N -0.3763 W Calle de la Paz 3', 'latin1')),
    segment(0xfe, Buffer.from('secret comment', 'latin1')),
    segment(0xdb, Buffer.alloc(65, 1)),
    segment(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
    segment(0xc4, Buffer.alloc(20, 0)),
    segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78]),
    Buffer.from([0xff, 0xd9]),
    after,
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 1×1 PNG with a text chunk (author, place). */
function png(): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Author\x00Ana Perez, Calle de la Paz 3', 'latin1')),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 0, 0, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const DESCRIPTION = 'La factura de octubre incluye un consumo que no corresponde a mi lectura real del contador.';

describe('uploads: active content, metadata and polyglots', function () {
  this.timeout(60_000);
  let agent: Agent;
  let contractId: number;
  let customerId: number;

  before(async () => {
    const ctx = await testContext();
    const h = await createHousehold(ctx.db.knex);
    contractId = h.supply.contractId;
    customerId = h.customer.id;
    agent = await loginAs(request.agent(ctx.app), h.user.loginId, h.user.password);
  });

  async function post(name: string, bytes: Buffer, type = 'application/pdf') {
    const token = csrfFrom((await agent.get(`/contratos/${contractId}/reclamacion`).expect(200)).text);
    return agent.post(`/contratos/${contractId}/reclamacion`).field('_csrf', token).field('category', 'billing').field('description', DESCRIPTION)
      .attach('attachments', bytes, { filename: name, contentType: type });
  }

  const refused: [string, Buffer, RegExp, string?][] = [
    ['a PDF that runs JavaScript when opened', pdf('/OpenAction<</S/JavaScript/JS(app.alert\\(1\\))>>'), /contenido activo/],
    ['a PDF with the name disguised (/J#61vaScript)', pdf('/OpenAction 4 0 R', '4 0 obj<</S/J#61vaScript/JS(x)>>endobj\n'), /contenido activo/],
    ['a PDF that launches a program', pdf('', '4 0 obj<</Type/Annot/Subtype/Link/A<</S/Launch/F(cmd.exe)>>>>endobj\n'), /contenido activo/],
    ['a PDF with an embedded file', pdf('/Names<</EmbeddedFiles 4 0 R>>', '4 0 obj<</Names[(x.exe) 5 0 R]>>endobj\n'), /contenido activo/],
    ['a PDF with additional actions (AA)', pdf('', '4 0 obj<</Type/Annot/AA<</O<</S/URI/URI(http://x)>>>>>>endobj\n'), /contenido activo/],
    ['a PDF hiding its action in a compressed object stream', pdfWithCompressedAction(), /contenido activo/],
    ['a PDF that is also a ZIP', pdf('', '', ZIP_TAIL), /otro tipo de archivo/],
    ['a PDF that is also a web page', Buffer.concat([pdf('', '4 0 obj<</Length 40>>endobj\n% <html><script>alert(1)</script></html>\n')]), /otro tipo de archivo/],
    ['a JPEG with a PDF after its end', jpeg(pdf()), /otro tipo de archivo/, 'image/jpeg'],
    ['a JPEG whose structure is broken', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]), Buffer.alloc(50, 7)]), /No hemos podido comprobar/, 'image/jpeg'],
  ];

  for (const [what, bytes, message, type] of refused) {
    it(`refuses ${what}, next to the file input`, async () => {
      const db = (await testContext()).db.knex;
      const before = (await db('documents').where({ customer_id: customerId }).select('id')).length;
      const res = await post('documento.pdf', bytes, type);
      expect([400, 422]).to.include(res.status);
      const m = /id="f-attachments-error"[^>]*>([\s\S]*?)<\/p>/.exec(res.text);
      expect(pageText(m?.[1] ?? '')).to.match(message);
      expect((await db('documents').where({ customer_id: customerId }).select('id')).length).to.equal(before);
    });
  }

  it('accepts a plain PDF unchanged', async () => {
    const db = (await testContext()).db.knex;
    const bytes = pdf();
    expect((await post('factura.pdf', bytes)).status).to.equal(303);
    const doc = await db('documents').where({ customer_id: customerId }).orderBy('id', 'desc').first('content');
    expect(Buffer.compare(doc.content as Buffer, bytes)).to.equal(0);
  });

  it('keeps a JPEG without its EXIF and comment, the picture itself untouched', async () => {
    const db = (await testContext()).db.knex;
    expect((await post('contador.jpg', jpeg(), 'image/jpeg')).status).to.equal(303);
    const doc = await db('documents').where({ customer_id: customerId }).orderBy('id', 'desc').first('content', 'size_bytes');
    const kept = doc.content as Buffer;
    expect(kept.includes(Buffer.from('Exif'))).to.equal(false);
    expect(kept.includes(Buffer.from('GPS'))).to.equal(false);
    expect(kept.includes(Buffer.from('secret comment'))).to.equal(false);
    expect(kept.includes(Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0xff, 0xd9]))).to.equal(true);
    expect(kept.includes(Buffer.from('JFIF'))).to.equal(true);
    expect(Number(doc.size_bytes)).to.equal(kept.length);
  });

  it('keeps a PNG without its text chunks', async () => {
    const db = (await testContext()).db.knex;
    expect((await post('contador.png', png(), 'image/png')).status).to.equal(303);
    const kept = (await db('documents').where({ customer_id: customerId }).orderBy('id', 'desc').first('content')).content as Buffer;
    expect(kept.includes(Buffer.from('Ana Perez'))).to.equal(false);
    expect(kept.includes(Buffer.from('tEXt'))).to.equal(false);
    expect(kept.includes(Buffer.from('IDAT'))).to.equal(true);
    expect(kept.subarray(-12).includes(Buffer.from('IEND'))).to.equal(true);
  });
});
