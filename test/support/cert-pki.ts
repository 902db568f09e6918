/**
 * A test PKI made in the tests: a trusted CA, an untrusted one, a CRL, and client certificates
 * shaped like the DNIe, FNMT and representative ones, dated around the shared clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OID } from '../../src/domain/certificate-identity';
import { createCa, createCrl, issueClientCert, issueServerCert, serialOf, type Issued, type NameAttr } from '../../src/adapters/dev-ca';
import { TEST_START } from './context';

const DAY = 24 * 3600_000;
const at = (days: number) => new Date(TEST_START.getTime() + days * DAY);
const valid = { notBefore: at(-365), notAfter: at(365) };

export interface TestPki {
  ca: Issued;
  dir: string;
  caFile: string;
  crlFile: string;
  server: Issued;
  /** Writes a new CRL revoking these certificates (plus the standard revoked one). */
  revoke(extra: Issued[]): void;
  issue(subject: NameAttr[], opts?: { usage?: 'auth' | 'signature'; notBefore?: Date; notAfter?: Date; byUntrusted?: boolean }): Issued;
  revoked: Issued;
}

export function dnieSubject(nif: string, given = 'JUAN', surname = 'GARCIA LOPEZ'): NameAttr[] {
  return [
    { oid: '2.5.4.6', value: 'ES' }, { oid: OID.serialNumber, value: `IDCES-${nif}` },
    { oid: OID.surname, value: surname }, { oid: OID.givenName, value: given },
    { oid: OID.commonName, value: `${surname}, ${given} (AUTENTICACIÓN)` },
  ];
}

export function fnmtSubject(nif: string): NameAttr[] {
  return [{ oid: '2.5.4.6', value: 'ES' }, { oid: OID.commonName, value: `GARCIA LOPEZ JUAN - NIF ${nif}` }];
}

export function representativeSubject(nif: string, cif: string, company: string): NameAttr[] {
  return [
    { oid: '2.5.4.6', value: 'ES' }, { oid: OID.organizationName, value: company },
    { oid: OID.organizationIdentifier, value: `VATES-${cif}` }, { oid: OID.serialNumber, value: `IDCES-${nif}` },
    { oid: OID.givenName, value: 'ANA' }, { oid: OID.surname, value: 'RUIZ SANZ' },
    { oid: OID.commonName, value: `${nif} ANA RUIZ SANZ (R: ${cif})` },
  ];
}

export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cert-login-'));
  const ca = createCa('AC Pruebas Usuarios', { notBefore: at(-3650), notAfter: at(3650) });
  const untrusted = createCa('AC Desconocida', { notBefore: at(-3650), notAfter: at(3650) });
  const server = issueServerCert(ca, ['localhost', '127.0.0.1'], valid);
  const caFile = path.join(dir, 'ca.pem');
  const crlFile = path.join(dir, 'crl.pem');
  fs.writeFileSync(caFile, ca.certPem);
  const issue: TestPki['issue'] = (subject, o = {}) => issueClientCert(o.byUntrusted ? untrusted : ca, {
    subject, usage: o.usage, notBefore: o.notBefore ?? valid.notBefore, notAfter: o.notAfter ?? valid.notAfter,
  });
  const revoked = issue(dnieSubject('12345678Z'));
  const revoke = (extra: Issued[]) => {
    const list = [revoked, ...extra].map((c) => ({ serial: serialOf(c), at: at(-2) }));
    fs.writeFileSync(crlFile, createCrl(ca, list, at(-1), at(6)));
  };
  revoke([]);
  return { ca, dir, caFile, crlFile, server, revoke, issue, revoked };
}
