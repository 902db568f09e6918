import { expect } from 'chai';
import {
  acceptUpload, attachmentDisposition, canDownloadDocument, DEFAULT_UPLOAD_POLICY, displayName, MAX_UPLOAD_BYTES, safeFileName,
  type DownloadCheck, type UploadCandidate, type UploadDecision,
} from '../../src/domain/documents';

describe('acceptUpload', () => {
  const MB = 1024 * 1024;
  const cases: [string, UploadCandidate, UploadDecision][] = [
    ['a PDF', { detectedMime: 'application/pdf', size: 1234, declaredName: 'factura.pdf' }, { ok: true, mime: 'application/pdf', extension: 'pdf', safeName: 'factura.pdf' }],
    ['a JPEG named .jpeg keeps its spelling', { detectedMime: 'image/jpeg', size: 5000, declaredName: 'contador.JPEG' }, { ok: true, mime: 'image/jpeg', extension: 'jpeg', safeName: 'contador.jpeg' }],
    ['a PNG', { detectedMime: 'image/png', size: 70, declaredName: 'foto.png' }, { ok: true, mime: 'image/png', extension: 'png', safeName: 'foto.png' }],
    ['a PNG named .pdf gets the extension of its real type', { detectedMime: 'image/png', size: 70, declaredName: 'escaneo.pdf' }, { ok: true, mime: 'image/png', extension: 'png', safeName: 'escaneo.png' }],
    ['a PDF without extension', { detectedMime: 'application/pdf', size: 70, declaredName: 'documento' }, { ok: true, mime: 'application/pdf', extension: 'pdf', safeName: 'documento.pdf' }],
    ['exactly 10 MB', { detectedMime: 'application/pdf', size: 10 * MB, declaredName: 'grande.pdf' }, { ok: true, mime: 'application/pdf', extension: 'pdf', safeName: 'grande.pdf' }],
    ['10 MB + 1 byte', { detectedMime: 'application/pdf', size: 10 * MB + 1, declaredName: 'grande.pdf' }, { ok: false, code: 'too_large' }],
    ['an empty file', { detectedMime: undefined, size: 0, declaredName: 'vacio.pdf' }, { ok: false, code: 'empty' }],
    ['a renamed executable', { detectedMime: 'application/x-msdownload', size: 4096, declaredName: 'factura.pdf' }, { ok: false, code: 'type_not_allowed' }],
    ['a GIF', { detectedMime: 'image/gif', size: 40, declaredName: 'foto.gif' }, { ok: false, code: 'type_not_allowed' }],
    ['a ZIP named .pdf', { detectedMime: 'application/zip', size: 400, declaredName: 'x.pdf' }, { ok: false, code: 'type_not_allowed' }],
    ['a text file named .pdf (no magic bytes)', { detectedMime: undefined, size: 12, declaredName: 'notas.pdf' }, { ok: false, code: 'unknown_type' }],
    ['a negative size', { detectedMime: 'application/pdf', size: -1, declaredName: 'x.pdf' }, { ok: false, code: 'empty' }],
  ];
  for (const [label, input, expected] of cases) {
    it(`${label} → ${expected.ok ? expected.safeName : expected.code}`, () => expect(acceptUpload(input, DEFAULT_UPLOAD_POLICY)).to.deep.equal(expected));
  }

  it('follows the policy given (a stricter size, PDF only)', () => {
    const policy = { allowedMimes: ['application/pdf'] as const, maxBytes: 1000, maxFiles: 5 };
    expect(acceptUpload({ detectedMime: 'image/png', size: 10, declaredName: 'a.png' }, policy)).to.deep.equal({ ok: false, code: 'type_not_allowed' });
    expect(acceptUpload({ detectedMime: 'application/pdf', size: 1001, declaredName: 'a.pdf' }, policy)).to.deep.equal({ ok: false, code: 'too_large' });
    expect(acceptUpload({ detectedMime: 'application/pdf', size: 1000, declaredName: 'a.pdf' }, policy)).to.have.property('ok', true);
  });

  it('defaults to 10 MB, 3 files, PDF/JPEG/PNG', () => {
    expect(DEFAULT_UPLOAD_POLICY).to.deep.equal({ allowedMimes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: MAX_UPLOAD_BYTES, maxFiles: 3 });
    expect(MAX_UPLOAD_BYTES).to.equal(10 * 1024 * 1024);
  });
});

describe('safeFileName', () => {
  const long = 'a'.repeat(300);
  const cases: [string, string, 'application/pdf' | 'image/jpeg' | 'image/png', string][] = [
    ['keeps accents (NFC)', 'reclamación factura.pdf', 'application/pdf', 'reclamación factura.pdf'],
    ['composes decomposed accents', 'reclamacio\u0301n.pdf', 'application/pdf', 'reclamación.pdf'],
    ['strips a Windows path', 'C:\\Users\\ana\\Documents\\factura.pdf', 'application/pdf', 'factura.pdf'],
    ['strips a Unix path and traversal', '../../etc/passwd.pdf', 'application/pdf', 'passwd.pdf'],
    ['removes control characters', 'fac\u0000tu\u0007ra\r\n.pdf', 'application/pdf', 'factura.pdf'],
    ['removes a bidi override (fake extension)', 'factura\u202Efdp.exe', 'application/pdf', 'facturafdp.pdf'],
    ['removes zero-width characters', 'fac\u200Btura.pdf', 'application/pdf', 'factura.pdf'],
    ['replaces quotes and reserved characters', 'a"b<c>d|e?f*g:h.pdf', 'application/pdf', 'a_b_c_d_e_f_g_h.pdf'],
    ['collapses spaces', '  mi    factura   .pdf', 'application/pdf', 'mi factura.pdf'],
    ['no hidden files', '.htaccess', 'image/png', 'htaccess.png'],
    ['an empty name gets a default', '', 'application/pdf', 'documento.pdf'],
    ['only dots', '....', 'image/jpeg', 'documento.jpg'],
    ['double extension keeps the real one last', 'foto.php.jpg', 'image/jpeg', 'foto.php.jpg'],
    ['wrong last extension is replaced', 'foto.jpg.exe', 'image/jpeg', 'foto.jpg.jpg'],
    ['at most 200 characters, extension kept', `${long}.pdf`, 'application/pdf', `${'a'.repeat(196)}.pdf`],
    ['does not split an emoji when cutting', `${'😀'.repeat(250)}.png`, 'image/png', `${'😀'.repeat(196)}.png`],
  ];
  for (const [label, declared, mime, expected] of cases) {
    it(`${label}: ${JSON.stringify(declared).slice(0, 40)} → ${expected.slice(0, 40)}`, () => {
      const got = safeFileName(declared, mime);
      expect(got).to.equal(expected);
      expect(Array.from(got).length).to.be.at.most(200);
    });
  }
});

describe('displayName', () => {
  it('shows the last path segment without invisible characters, shortened', () => {
    expect(displayName('C:\\fakepath\\mi\u202Efactura.pdf')).to.equal('mifactura.pdf');
    expect(displayName('x'.repeat(100))).to.equal(`${'x'.repeat(79)}…`);
  });
});

describe('attachmentDisposition', () => {
  const cases: [string, string][] = [
    ['factura.pdf', 'attachment; filename="factura.pdf"'],
    ['mi factura (1).pdf', 'attachment; filename="mi factura (1).pdf"'],
    ['reclamación.pdf', `attachment; filename="reclamacion.pdf"; filename*=UTF-8''reclamaci%C3%B3n.pdf`],
    ['Lectura d’aigua.png', `attachment; filename="Lectura d_aigua.png"; filename*=UTF-8''Lectura%20d%E2%80%99aigua.png`],
    ["l'any (2).jpg", `attachment; filename="l'any (2).jpg"`],
    ['año ñ.pdf', `attachment; filename="ano n.pdf"; filename*=UTF-8''a%C3%B1o%20%C3%B1.pdf`],
    ['a"b\\c.pdf', 'attachment; filename="a_b_c.pdf"'],
  ];
  for (const [name, header] of cases) it(`${name} → ${header}`, () => expect(attachmentDisposition(name)).to.equal(header));
});

describe('canDownloadDocument', () => {
  const none = { read: false, manageContacts: false };
  const read = { read: true, manageContacts: false };
  const manage = { read: true, manageContacts: true };
  const cases: [string, DownloadCheck, boolean][] = [
    ['the uploader (an authorised contact)', { userId: 7, uploaderId: 7, customerAccess: read, isStaff: false }, true],
    ['the holder or representative, not the uploader', { userId: 8, uploaderId: 7, customerAccess: manage, isStaff: false }, true],
    ['the holder who uploaded it', { userId: 7, uploaderId: 7, customerAccess: manage, isStaff: false }, true],
    ['another authorised contact (full) of the customer', { userId: 9, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['a read-only contact of the customer', { userId: 9, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['a gestoría acting for the customer', { userId: 9, uploaderId: 7, customerAccess: read, isStaff: false }, false],
    ['a user of another customer', { userId: 10, uploaderId: 7, customerAccess: none, isStaff: false }, false],
    ['the uploader after losing access to the customer', { userId: 7, uploaderId: 7, customerAccess: none, isStaff: false }, false],
    ['anyone when the uploader was deleted, unless managing contacts', { userId: 9, uploaderId: null, customerAccess: read, isStaff: false }, false],
    ['the holder when the uploader was deleted', { userId: 9, uploaderId: null, customerAccess: manage, isStaff: false }, true],
    ['staff', { userId: null, uploaderId: 7, customerAccess: none, isStaff: true }, true],
    ['nobody logged in', { userId: null, uploaderId: null, customerAccess: none, isStaff: false }, false],
  ];
  for (const [label, check, allowed] of cases) it(`${label} → ${allowed ? 'yes' : 'no (404)'}`, () => expect(canDownloadDocument(check)).to.equal(allowed));
});
