/**
 * Who a client certificate names and whether it may log in: the Spanish qualified
 * certificates (DNIe, FNMT persona física, representative certificates) carry the person's
 * NIF/NIE in the subject's serialNumber ("IDCES-12345678Z") or, in older FNMT certificates,
 * only in the CN ("GARCIA LOPEZ JUAN - NIF 12345678Z"); a representative certificate adds the
 * entity's CIF in organizationIdentifier ("VATES-B81234569"). Pure: the caller parses the
 * certificate and passes the time.
 */
import { isValidCif, isValidNie, isValidNif, normalizeId } from './ids';

export const OID = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  givenName: '2.5.4.42',
  organizationName: '2.5.4.10',
  organizationIdentifier: '2.5.4.97',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

export interface SubjectAttribute {
  oid: string;
  value: string;
}

export interface CertificateIdentity {
  /** The person's NIF or NIE, normalised. */
  personId: string;
  personIdKind: 'nif' | 'nie';
  /** The represented entity's CIF (representative certificates only). */
  entityCif: string | null;
  entityName: string | null;
  givenName: string | null;
  surname: string | null;
  commonName: string | null;
}

export type IdentityResult = { ok: true; identity: CertificateIdentity } | { ok: false; reason: 'no_personal_id' };

function first(attrs: readonly SubjectAttribute[], oid: string): string | null {
  const v = attrs.find((a) => a.oid === oid)?.value.trim();
  return v ? v : null;
}

function personal(raw: string): { value: string; kind: 'nif' | 'nie' } | null {
  const value = normalizeId(raw);
  if (isValidNif(value)) return { value, kind: 'nif' };
  if (isValidNie(value)) return { value, kind: 'nie' };
  return null;
}

// ETSI EN 319 412-1 semantics identifiers: "IDCES-" (national identity card number of Spain),
// "PNOES-" (passport) is not a NIF and is refused; older certificates put the bare NIF.
const SEMANTIC_ID = /^(?:IDC|TIN)ES-(.+)$/i;
// FNMT's CN: "APELLIDO1 APELLIDO2 NOMBRE - NIF 12345678Z" (also "- NIE X1234567L").
const CN_NIF = /\s-\s*NI[FE]:?\s*([0-9XYZKLM][0-9]{7}[A-Z])\b/i;
const ORG_ID = /^VATES-([A-Z0-9]{9})$/i;

function personFromSubject(attrs: readonly SubjectAttribute[]): { value: string; kind: 'nif' | 'nie' } | null {
  for (const a of attrs.filter((x) => x.oid === OID.serialNumber)) {
    const v = a.value.trim();
    const m = SEMANTIC_ID.exec(v);
    const found = personal(m ? m[1]! : v);
    if (found) return found;
  }
  const cn = first(attrs, OID.commonName);
  const m = cn ? CN_NIF.exec(cn) : null;
  return m ? personal(m[1]!) : null;
}

/** The person (and, for a representative certificate, the entity) a certificate's subject names. */
export function identityFromSubject(attrs: readonly SubjectAttribute[]): IdentityResult {
  const person = personFromSubject(attrs);
  if (!person) return { ok: false, reason: 'no_personal_id' };
  const orgId = first(attrs, OID.organizationIdentifier);
  const cifMatch = orgId ? ORG_ID.exec(orgId) : null;
  const cif = cifMatch && isValidCif(cifMatch[1]!) ? normalizeId(cifMatch[1]!) : null;
  return {
    ok: true,
    identity: {
      personId: person.value,
      personIdKind: person.kind,
      entityCif: cif,
      entityName: cif ? first(attrs, OID.organizationName) : null,
      givenName: first(attrs, OID.givenName),
      surname: first(attrs, OID.surname),
      commonName: first(attrs, OID.commonName),
    },
  };
}

export interface CertificateFacts {
  notBefore: Date;
  notAfter: Date;
  /** The keyUsage extension's bits, or null when the certificate has none (any use allowed). */
  keyUsage: { digitalSignature: boolean; nonRepudiation: boolean; keyEncipherment: boolean } | null;
  /** The extendedKeyUsage OIDs, or null when the certificate has none. */
  extendedKeyUsage: readonly string[] | null;
  isCa: boolean;
}

export type CertificateUse = 'ok' | 'expired' | 'not_yet_valid' | 'wrong_usage';

/**
 * Whether a (trusted, unrevoked) end-entity certificate may authenticate a person at `now`.
 * TLS client authentication signs the handshake, so the key must allow digitalSignature:
 * the DNIe's "FIRMA" certificate (nonRepudiation only) is the wrong one of the pair, and an
 * extendedKeyUsage, when present, must allow clientAuth.
 */
export function assessCertificate(c: CertificateFacts, now: Date): CertificateUse {
  if (now.getTime() < c.notBefore.getTime()) return 'not_yet_valid';
  if (now.getTime() > c.notAfter.getTime()) return 'expired';
  if (c.isCa) return 'wrong_usage';
  if (c.keyUsage && !c.keyUsage.digitalSignature) return 'wrong_usage';
  if (c.extendedKeyUsage && !c.extendedKeyUsage.some((o) => o === OID.clientAuth || o === OID.anyExtendedKeyUsage)) {
    return 'wrong_usage';
  }
  return 'ok';
}

/** A name to address the person by, from the certificate, for a new account. */
export function namesFromIdentity(i: CertificateIdentity): { firstName: string; lastName: string } | null {
  if (i.givenName && i.surname) return { firstName: titleCase(i.givenName), lastName: titleCase(i.surname) };
  // DNIe CN: "APELLIDO1 APELLIDO2, NOMBRE (AUTENTICACIÓN)"
  const dnie = i.commonName ? /^([^,]+),\s*([^(]+?)\s*(?:\(.*\))?$/.exec(i.commonName) : null;
  if (dnie) return { firstName: titleCase(dnie[2]!), lastName: titleCase(dnie[1]!) };
  return null;
}

function titleCase(s: string): string {
  return s.trim().toLocaleLowerCase('es').replace(/(^|[\s'-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toLocaleUpperCase('es'));
}
