/**
 * The parts of X.509 certificates and CRLs that certificate login needs and that Node's
 * X509Certificate does not expose (subject attributes by OID, keyUsage bits, CRL entries).
 * Read with node-forge's ASN.1 reader, which, unlike forge's certificate reader, accepts any
 * key type (EC qualified certificates exist).
 */
import forge from 'node-forge';
import type { CertificateFacts, SubjectAttribute } from '../domain/certificate-identity';

const { asn1 } = forge;
type Node = forge.asn1.Asn1;

const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export interface ParsedCertificate {
  der: Buffer;
  subject: SubjectAttribute[];
  issuer: SubjectAttribute[];
  /** Canonical form of the issuer and subject names, to match certificates and CRLs. */
  issuerKey: string;
  subjectKey: string;
  /** Upper-case hex without leading zeros. */
  serial: string;
  facts: CertificateFacts;
}

export interface ParsedCrl {
  issuer: SubjectAttribute[];
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: Map<string, Date>;
  /** The signed part and the signature, to check against the issuing CA. */
  tbs: Buffer;
  signature: Buffer;
  signatureOid: string;
}

function children(n: Node | undefined): Node[] {
  return n && Array.isArray(n.value) ? (n.value as Node[]) : [];
}

function bytes(n: Node): string {
  return typeof n.value === 'string' ? n.value : '';
}

// forge's typings know only the boolean form; the options object keeps BIT STRINGs undecoded.
const fromDer = asn1.fromDer as unknown as (
  bytes: forge.util.ByteStringBuffer, o: { strict: boolean; decodeBitStrings: boolean },
) => Node;

function readDer(der: Buffer): Node {
  return fromDer(forge.util.createBuffer(der.toString('binary')), { strict: false, decodeBitStrings: false });
}

function text(n: Node): string {
  const raw = bytes(n);
  if (n.type === asn1.Type.BMPSTRING) {
    let out = '';
    for (let i = 0; i + 1 < raw.length; i += 2) out += String.fromCharCode(
      (raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1),
    );
    return out;
  }
  try {
    return forge.util.decodeUtf8(raw);
  } catch {
    return raw;
  }
}

function readName(n: Node | undefined): SubjectAttribute[] {
  const out: SubjectAttribute[] = [];
  for (const rdn of children(n)) {
    for (const pair of children(rdn)) {
      const [oid, value] = children(pair);
      if (oid && value) out.push({ oid: asn1.derToOid(bytes(oid)), value: text(value) });
    }
  }
  return out;
}

export function nameKey(attrs: readonly SubjectAttribute[]): string {
  return attrs.map((a) => `${a.oid}=${a.value.trim().toLowerCase()}`).join('/');
}

function serialHex(n: Node): string {
  const hex = forge.util.bytesToHex(bytes(n)).toUpperCase().replace(/^(00)+(?=.)/, '');
  return hex || '0';
}

function time(n: Node | undefined): Date {
  if (!n) return new Date(NaN);
  return n.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(bytes(n)) : asn1.generalizedTimeToDate(bytes(n));
}

function isTime(n: Node | undefined): boolean {
  return !!n && (
    n.type === asn1.Type.UTCTIME || n.type === asn1.Type.GENERALIZEDTIME
  ) && n.tagClass === asn1.Class.UNIVERSAL;
}

function extensions(n: Node | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const ext of children(children(n)[0])) {
    const parts = children(ext);
    const oid = parts[0];
    const value = parts[parts.length - 1];
    if (oid && value) out.set(asn1.derToOid(bytes(oid)), bytes(value));
  }
  return out;
}

function parseInner(raw: string): Node {
  return fromDer(forge.util.createBuffer(raw), { strict: false, decodeBitStrings: false });
}

function keyUsage(raw: string | undefined): CertificateFacts['keyUsage'] {
  if (raw === undefined) return null;
  const bits = bytes(parseInner(raw));
  // BIT STRING: first octet counts unused bits; KeyUsage bit 0 is the most significant bit.
  const b0 = bits.length > 1 ? bits.charCodeAt(1) : 0;
  return { digitalSignature: (b0 & 0x80) !== 0, nonRepudiation: (b0 & 0x40) !== 0, keyEncipherment: (b0 & 0x20) !== 0 };
}

function extKeyUsage(raw: string | undefined): string[] | null {
  if (raw === undefined) return null;
  return children(parseInner(raw)).map((o) => asn1.derToOid(bytes(o)));
}

function isCa(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const first = children(parseInner(raw))[0];
  return !!first && first.type === asn1.Type.BOOLEAN && bytes(first) !== '\x00';
}

export function parseCertificate(der: Buffer): ParsedCertificate {
  const tbs = children(readDer(der))[0];
  const f = children(tbs);
  // version is an optional [0] EXPLICIT field
  const o = f[0] && f[0].tagClass === asn1.Class.CONTEXT_SPECIFIC && f[0].type === 0 ? 1 : 0;
  const serial = f[o];
  const issuer = readName(f[o + 2]);
  const validity = children(f[o + 3]);
  const subject = readName(f[o + 4]);
  if (!serial || validity.length !== 2) throw new Error('not an X.509 certificate');
  const extNode = f.slice(o + 6).find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const ext = extensions(extNode);
  return {
    der,
    subject,
    issuer,
    issuerKey: nameKey(issuer),
    subjectKey: nameKey(subject),
    serial: serialHex(serial),
    facts: {
      notBefore: time(validity[0]),
      notAfter: time(validity[1]),
      keyUsage: keyUsage(ext.get(OID_KEY_USAGE)),
      extendedKeyUsage: extKeyUsage(ext.get(OID_EXT_KEY_USAGE)),
      isCa: isCa(ext.get(OID_BASIC_CONSTRAINTS)),
    },
  };
}

export function parseCrl(der: Buffer): ParsedCrl {
  const [tbsNode, algNode, sigNode] = children(readDer(der));
  if (!tbsNode || !algNode || !sigNode) throw new Error('not a CRL');
  const f = children(tbsNode);
  // version is an optional INTEGER
  const o = f[0] && f[0].type === asn1.Type.INTEGER && f[0].tagClass === asn1.Class.UNIVERSAL ? 1 : 0;
  const issuer = readName(f[o + 1]);
  const thisUpdate = time(f[o + 2]);
  const nextUpdate = isTime(f[o + 3]) ? time(f[o + 3]) : null;
  const listNode = f.slice(o + 3).find((n) => n.tagClass === asn1.Class.UNIVERSAL && n.type === asn1.Type.SEQUENCE);
  const revoked = new Map<string, Date>();
  for (const entry of children(listNode)) {
    const [serial, date] = children(entry);
    if (serial) revoked.set(serialHex(serial), time(date));
  }
  const sigBits = bytes(sigNode);
  return {
    issuer,
    issuerKey: nameKey(issuer),
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: Buffer.from(asn1.toDer(tbsNode).getBytes(), 'binary'),
    // first octet of a BIT STRING counts unused bits
    signature: Buffer.from(sigBits.slice(1), 'binary'),
    signatureOid: asn1.derToOid(bytes(children(algNode)[0]!)),
  };
}

/** Every PEM block of a kind in a text, as DER; a file that is not PEM is taken as one DER. */
export function pemBlocks(data: Buffer, label: 'CERTIFICATE' | 'X509 CRL'): Buffer[] {
  const textData = data.toString('latin1');
  if (!textData.includes('-----BEGIN')) return data.length ? [data] : [];
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`, 'g');
  return [...textData.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}
