import { expect } from 'chai';
import {
  OID, assessCertificate, identityFromSubject, namesFromIdentity, type CertificateFacts, type SubjectAttribute,
} from '../../src/domain/certificate-identity';

const attr = (oid: string, value: string): SubjectAttribute => ({ oid, value });
const CN = (v: string) => attr(OID.commonName, v);
const SN = (v: string) => attr(OID.serialNumber, v);
const ORG = (v: string) => attr(OID.organizationIdentifier, v);

describe('certificate identity', () => {
  type Row = [string, SubjectAttribute[], string | null, string | null];
  const rows: Row[] = [
    ['DNIe authentication certificate', [SN('IDCES-12345678Z'), CN('GARCIA LOPEZ, JUAN (AUTENTICACIÓN)')], '12345678Z', null],
    ['DNIe with lower-case prefix', [SN('idces-12345678z')], '12345678Z', null],
    ['FNMT persona física with serialNumber', [SN('IDCES-12345678Z'), CN('GARCIA LOPEZ JUAN - 12345678Z')], '12345678Z', null],
    ['older FNMT: NIF only in the CN', [CN('GARCIA LOPEZ JUAN - NIF 12345678Z')], '12345678Z', null],
    ['FNMT CN with a NIE', [CN('SMITH JOHN - NIE X1234567L')], 'X1234567L', null],
    ['bare NIF in serialNumber', [SN('12345678Z')], '12345678Z', null],
    ['TIN semantics identifier', [SN('TINES-71234567W')], '71234567W', null],
    ['representative certificate', [SN('IDCES-71234567W'), CN('71234567W JUAN RUIZ (R: B81234569)'), ORG('VATES-B81234569')], '71234567W', 'B81234569'],
    ['representative with an invalid CIF keeps the person only', [SN('IDCES-71234567W'), ORG('VATES-B81234560')], '71234567W', null],
    ['organizationIdentifier of another country is not a CIF', [SN('IDCES-71234567W'), ORG('VATFR-12345678901')], '71234567W', null],
    ['wrong control letter', [SN('IDCES-12345678A')], null, null],
    ['passport semantics identifier is not a NIF', [SN('PNOES-AB1234567')], null, null],
    ['only a company: seal certificate with a CIF', [SN('VATES-B81234569'), ORG('VATES-B81234569')], null, null],
    ['nothing usable', [CN('www.example.com')], null, null],
    ['CN with a NIF but no " - " separator', [CN('JUAN 12345678Z')], null, null],
  ];
  for (const [name, attrs, person, cif] of rows) {
    it(`${name} → ${person ?? 'refused'}${cif ? ` for ${cif}` : ''}`, () => {
      const r = identityFromSubject(attrs);
      if (person === null) {
        expect(r).to.deep.equal({ ok: false, reason: 'no_personal_id' });
        return;
      }
      expect(r.ok).to.equal(true);
      if (!r.ok) return;
      expect(r.identity.personId).to.equal(person);
      expect(r.identity.entityCif).to.equal(cif);
    });
  }

  it('the serialNumber wins over a different NIF in the CN', () => {
    const r = identityFromSubject([CN('OTRO - NIF 71234567W'), SN('IDCES-12345678Z')]);
    expect(r.ok && r.identity.personId).to.equal('12345678Z');
  });

  describe('names for a new account', () => {
    const cases: [string, SubjectAttribute[], { firstName: string; lastName: string } | null][] = [
      ['givenName + surname', [SN('IDCES-12345678Z'), attr(OID.givenName, 'MARÍA JOSÉ'), attr(OID.surname, 'GARCÍA LÓPEZ')],
        { firstName: 'María José', lastName: 'García López' }],
      ['DNIe CN', [SN('IDCES-12345678Z'), CN('GARCIA LOPEZ, JUAN (AUTENTICACIÓN)')], { firstName: 'Juan', lastName: 'Garcia Lopez' }],
      ['FNMT CN alone cannot be split', [CN('GARCIA LOPEZ JUAN - NIF 12345678Z')], null],
    ];
    for (const [name, attrs, expected] of cases) {
      it(name, () => {
        const r = identityFromSubject(attrs);
        expect(r.ok && namesFromIdentity(r.identity)).to.deep.equal(expected);
      });
    }
  });
});

describe('certificate use', () => {
  const NOW = new Date('2026-11-20T10:00:00Z');
  const base: CertificateFacts = {
    notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2027-01-01T00:00:00Z'),
    keyUsage: { digitalSignature: true, nonRepudiation: false, keyEncipherment: true },
    extendedKeyUsage: [OID.clientAuth, '1.3.6.1.5.5.7.3.4'], isCa: false,
  };
  const cases: [string, Partial<CertificateFacts>, Date, string][] = [
    ['valid authentication certificate', {}, NOW, 'ok'],
    ['exactly at notAfter', {}, new Date('2027-01-01T00:00:00Z'), 'ok'],
    ['1 ms after notAfter', {}, new Date('2027-01-01T00:00:00.001Z'), 'expired'],
    ['before notBefore', {}, new Date('2024-12-31T23:59:59Z'), 'not_yet_valid'],
    ['no extensions at all', { keyUsage: null, extendedKeyUsage: null }, NOW, 'ok'],
    ['DNIe signature certificate (nonRepudiation only)', { keyUsage: { digitalSignature: false, nonRepudiation: true, keyEncipherment: false } }, NOW, 'wrong_usage'],
    ['server certificate (serverAuth only)', { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }, NOW, 'wrong_usage'],
    ['anyExtendedKeyUsage', { extendedKeyUsage: [OID.anyExtendedKeyUsage] }, NOW, 'ok'],
    ['a CA certificate', { isCa: true }, NOW, 'wrong_usage'],
    ['expired and wrong usage: expiry is said first', { keyUsage: { digitalSignature: false, nonRepudiation: true, keyEncipherment: false } }, new Date('2028-01-01T00:00:00Z'), 'expired'],
  ];
  for (const [name, change, at, expected] of cases) {
    it(`${name} → ${expected}`, () => {
      expect(assessCertificate({ ...base, ...change }, at)).to.equal(expected);
    });
  }
});
