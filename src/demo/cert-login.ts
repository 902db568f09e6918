/**
 * Development certificates for certificate login, kept in DATA_DIR/cert-login: a CA (trusted
 * by the listener), the listener's server certificate, and client certificates for the demo
 * people (DNIe-like, FNMT-like, representative), plus one revoked, one expired and one
 * "FIRMA" certificate to see the refusal pages. Created once and reused; PKCS#12 files for
 * browsers use the password "demo".
 */
import fs from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { OID } from '../domain/certificate-identity';
import {
  createCa, createCrl, issueClientCert, issueServerCert, serialOf, toP12, type Issued, type NameAttr,
} from '../adapters/dev-ca';

export const DEMO_P12_PASSWORD = 'demo';
const DAY = 24 * 3600_000;

interface DemoCert {
  file: string;
  who: string;
  subject: NameAttr[];
  kind?: 'revoked' | 'expired' | 'signature';
}

const es = (v: string): NameAttr => ({ oid: '2.5.4.6', value: v });
const dnie = (nif: string, given: string, surname: string): NameAttr[] => [
  es('ES'), { oid: OID.serialNumber, value: `IDCES-${nif}` }, { oid: OID.surname, value: surname }, {
    oid: OID.givenName, value: given,
  },
  { oid: OID.commonName, value: `${surname}, ${given} (AUTENTICACIÓN)` },
];
const representative = (nif: string, given: string, surname: string, cif: string, company: string): NameAttr[] => [
  es('ES'), { oid: OID.organizationName, value: company }, { oid: OID.organizationIdentifier, value: `VATES-${cif}` },
  { oid: OID.serialNumber, value: `IDCES-${nif}` }, { oid: OID.givenName, value: given }, {
    oid: OID.surname, value: surname,
  },
  { oid: OID.commonName, value: `${nif} ${given} ${surname} (R: ${cif})` },
];

const DEMO_CERTS: DemoCert[] = [
  {
    file: '12345678Z-dnie', who: 'María García López, DNIe (autenticación)',
    subject: dnie('12345678Z', 'MARÍA', 'GARCÍA LÓPEZ'),
  },
  { file: '71234567W-representante', who: 'Antonio Ruiz Martínez, representante de Panadería Ruiz S.L.',
    subject: representative('71234567W', 'ANTONIO', 'RUIZ MARTÍNEZ', 'B81234569', 'PANADERÍA RUIZ S.L.') },
  { file: '45678123P-representante', who: 'Laura Sánchez Pérez, representante de Gestoría Fincas Levante S.L.',
    subject: representative('45678123P', 'LAURA', 'SÁNCHEZ PÉREZ', 'B65432106', 'GESTORÍA FINCAS LEVANTE S.L.') },
  { file: 'X1234567L-fnmt', who: 'Jordi Puig Ferrer, certificado FNMT de persona física (NIE)',
    subject: [es('ES'), { oid: OID.commonName, value: 'PUIG FERRER JORDI - NIE X1234567L' }] },
  { file: '23456789D-fnmt', who: 'Carmen Navarro Gil, sin usuario todavía: alta con certificado',
    subject: [es('ES'), { oid: OID.serialNumber, value: 'IDCES-23456789D' }, { oid: OID.givenName, value: 'CARMEN' },
      { oid: OID.surname, value: 'NAVARRO GIL' },
      { oid: OID.commonName, value: 'NAVARRO GIL CARMEN - NIF 23456789D' }] },
  {
    file: '12345678Z-revocado', who: 'revocado (en la CRL)', subject: dnie('12345678Z', 'MARÍA', 'GARCÍA LÓPEZ'),
    kind: 'revoked',
  },
  { file: '12345678Z-caducado', who: 'caducado', subject: dnie('12345678Z', 'MARÍA', 'GARCÍA LÓPEZ'), kind: 'expired' },
  {
    file: '12345678Z-firma', who: 'certificado de FIRMA del DNIe (uso incorrecto)',
    subject: dnie('12345678Z', 'MARÍA', 'GARCÍA LÓPEZ'), kind: 'signature',
  },
];

export interface DemoCertificates {
  dir: string;
  caFile: string;
  clients: { who: string; p12: string; pem: string; key: string }[];
}

function readIssued(certFile: string, keyFile: string): Issued | null {
  if (!fs.existsSync(certFile) || !fs.existsSync(keyFile)) return null;
  const certPem = fs.readFileSync(certFile, 'utf8');
  const keyPem = fs.readFileSync(keyFile, 'utf8');
  return {
    cert: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    certPem, keyPem,
  };
}

function stillValid(file: string, now: Date): boolean {
  if (!fs.existsSync(file)) return false;
  return new Date(new X509Certificate(fs.readFileSync(file)).validTo).getTime() > now.getTime() + 30 * DAY;
}

/** Creates what is missing (or about to expire) and returns where everything is. */
export function ensureDemoCertificates(dir: string, now: Date): DemoCertificates {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = (name: string) => path.join(dir, name);
  const validity = { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 2 * 365 * DAY) };
  let ca = stillValid(p('ca.pem'), now) ? readIssued(p('ca.pem'), p('ca-key.pem')) : null;
  const fresh = !ca;
  if (!ca) {
    ca = createCa(
      'AC Área Clientes Desarrollo',
      { notBefore: validity.notBefore, notAfter: new Date(now.getTime() + 10 * 365 * DAY) },
    );
    fs.writeFileSync(p('ca.pem'), ca.certPem);
    fs.writeFileSync(p('ca-key.pem'), ca.keyPem, { mode: 0o600 });
  }
  if (fresh || !stillValid(p('server.pem'), now)) {
    const server = issueServerCert(ca, ['localhost', '127.0.0.1'], validity);
    fs.writeFileSync(p('server.pem'), server.certPem);
    fs.writeFileSync(p('server-key.pem'), server.keyPem, { mode: 0o600 });
  }
  const revoked: string[] = [];
  const clients: DemoCertificates['clients'] = [];
  for (const d of DEMO_CERTS) {
    const pem = p(`${d.file}.pem`);
    const key = p(`${d.file}-key.pem`);
    const p12 = p(`${d.file}.p12`);
    let issued = !fresh && (d.kind === 'expired' || stillValid(pem, now)) ? readIssued(pem, key) : null;
    if (!issued) {
      const dates = d.kind === 'expired'
        ? { notBefore: new Date(now.getTime() - 400 * DAY), notAfter: new Date(now.getTime() - DAY) } : validity;
      issued = issueClientCert(
        ca, { subject: d.subject, usage: d.kind === 'signature' ? 'signature' : 'auth', ...dates },
      );
      fs.writeFileSync(pem, issued.certPem);
      fs.writeFileSync(key, issued.keyPem, { mode: 0o600 });
      fs.writeFileSync(p12, toP12(issued, ca, DEMO_P12_PASSWORD, d.file), { mode: 0o600 });
    }
    if (d.kind === 'revoked') revoked.push(serialOf(issued));
    clients.push({ who: d.who, p12, pem, key });
  }
  fs.writeFileSync(p('crl.pem'), createCrl(ca, revoked.map((serial) => ({ serial, at: new Date(now.getTime() - DAY) })),
    new Date(now.getTime() - DAY), new Date(now.getTime() + 30 * DAY)));
  return { dir, caFile: p('ca.pem'), clients };
}
