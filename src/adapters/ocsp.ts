/**
 * OCSP (RFC 6960) for certificate login, when a responder URL is configured: asks whether
 * the presented certificate is revoked right now. The response must be signed by the issuing
 * CA or by a responder certificate that CA issued for OCSP signing, and be current.
 */
import crypto, { X509Certificate } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
type Node = forge.asn1.Asn1;
const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;

const OID_SHA1 = '1.3.14.3.2.26';
const OID_BASIC_RESPONSE = '1.3.6.1.5.5.7.48.1.1';
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Clock difference tolerated between us and the responder. */
const SKEW_MS = 5 * 60_000;

export type OcspStatus =
  | { status: 'good' }
  | { status: 'revoked'; at: Date }
  | { status: 'unknown' }
  | { status: 'error'; reason: string };

const fromDer = asn1.fromDer as unknown as (
  b: forge.util.ByteStringBuffer, o: { strict: boolean; decodeBitStrings: boolean },
) => Node;
const read = (der: Buffer | string): Node => fromDer(
  forge.util.createBuffer(typeof der === 'string' ? der : der.toString('binary')),
  { strict: false, decodeBitStrings: false },
);
const kids = (n: Node | undefined): Node[] => (n && Array.isArray(n.value) ? (n.value as Node[]) : []);
const raw = (n: Node | undefined): string => (n && typeof n.value === 'string' ? n.value : '');
const sha1 = (bin: string): string => crypto.createHash('sha1').update(Buffer.from(bin, 'binary')).digest('binary');

function subjectDerOf(cert: X509Certificate): string {
  const tbs = kids(kids(read(cert.raw))[0]);
  const o = tbs[0] && tbs[0].tagClass === CONTEXT_SPECIFIC && tbs[0].type === 0 ? 1 : 0;
  return asn1.toDer(tbs[o + 4]!).getBytes();
}

function issuerDerOf(cert: X509Certificate): string {
  const tbs = kids(kids(read(cert.raw))[0]);
  const o = tbs[0] && tbs[0].tagClass === CONTEXT_SPECIFIC && tbs[0].type === 0 ? 1 : 0;
  return asn1.toDer(tbs[o + 2]!).getBytes();
}

function publicKeyBits(cert: X509Certificate): string {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return raw(kids(read(spki))[1]).slice(1);
}

function serialBytes(cert: X509Certificate): string {
  const hex = cert.serialNumber.length % 2 ? `0${cert.serialNumber}` : cert.serialNumber;
  const bytes = forge.util.hexToBytes(hex);
  // INTEGER is signed: a leading high bit needs a zero octet
  return bytes.charCodeAt(0) & 0x80 ? `\x00${bytes}` : bytes;
}

/** The CertID both request and response name the certificate by (SHA-1, as responders expect). */
export function certId(leaf: X509Certificate, issuer: X509Certificate): Node {
  return asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_SHA1).getBytes()),
      asn1.create(UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, sha1(issuerDerOf(leaf))),
    asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, sha1(publicKeyBits(issuer))),
    asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, serialBytes(leaf)),
  ]);
}

export function ocspRequest(leaf: X509Certificate, issuer: X509Certificate): Buffer {
  const req = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(
        UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [certId(leaf, issuer)])],
      ),
    ]),
  ]);
  return Buffer.from(asn1.toDer(req).getBytes(), 'binary');
}

function hashFor(oid: string): string {
  if (oid === '1.2.840.113549.1.1.12' || oid === '1.2.840.10045.4.3.3') return 'sha384';
  if (oid === '1.2.840.113549.1.1.13' || oid === '1.2.840.10045.4.3.4') return 'sha512';
  if (oid === '1.2.840.113549.1.1.5') return 'sha1';
  return 'sha256';
}

function time(n: Node | undefined): Date {
  if (!n) return new Date(NaN);
  return n.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(raw(n)) : asn1.generalizedTimeToDate(raw(n));
}

function isOcspSigner(c: X509Certificate, issuer: X509Certificate): boolean {
  if (!c.checkIssued(issuer) || !c.verify(issuer.publicKey)) return false;
  const eku = (c as X509Certificate & { keyUsage?: string[] }).keyUsage;
  return Array.isArray(eku) && eku.includes(OID_OCSP_SIGNING);
}

/** Reads a response for `leaf`; exported for tests that build responses. */
export function readOcspResponse(der: Buffer, leaf: X509Certificate, issuer: X509Certificate, now: Date): OcspStatus {
  let top: Node[];
  try {
    top = kids(read(der));
  } catch {
    return { status: 'error', reason: 'unreadable' };
  }
  if (raw(top[0]).charCodeAt(0) !== 0) {
    return { status: 'error', reason: `responder status ${raw(top[0]).charCodeAt(0)}` };
  }
  const bytes = kids(kids(top[1])[0]);
  if (asn1.derToOid(raw(bytes[0])) !== OID_BASIC_RESPONSE) return { status: 'error', reason: 'not a basic response' };
  const [tbs, alg, sig, certs] = kids(read(raw(bytes[1])));
  if (!tbs || !alg || !sig) return { status: 'error', reason: 'incomplete response' };
  const signers = [issuer, ...kids(kids(certs)[0]).map(
    (c) => new X509Certificate(Buffer.from(asn1.toDer(c).getBytes(), 'binary')),
  )
    .filter((c) => isOcspSigner(c, issuer))];
  const signed = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = Buffer.from(raw(sig).slice(1), 'binary');
  const hash = hashFor(asn1.derToOid(raw(kids(alg)[0])));
  if (!signers.some((s) => crypto.verify(hash, signed, s.publicKey, signature))) {
    return { status: 'error', reason: 'bad signature' };
  }

  const fields = kids(tbs);
  const o = fields[0] && fields[0].tagClass === CONTEXT_SPECIFIC && fields[0].type === 0 ? 1 : 0;
  const wanted = asn1.toDer(certId(leaf, issuer)).getBytes();
  for (const single of kids(fields[o + 2])) {
    const [id, status, thisUpdate, next] = kids(single);
    if (!id || !status || asn1.toDer(id).getBytes() !== wanted) continue;
    const nextUpdate = next && next.tagClass === CONTEXT_SPECIFIC && next.type === 0 ? time(kids(next)[0]) : null;
    if (time(thisUpdate).getTime() > now.getTime() + SKEW_MS) {
      return { status: 'error', reason: 'response from the future' };
    }
    if (nextUpdate && nextUpdate.getTime() < now.getTime() - SKEW_MS) {
      return { status: 'error', reason: 'stale response' };
    }
    if (status.type === 0) return { status: 'good' };
    if (status.type === 1) return { status: 'revoked', at: time(kids(status)[0]) };
    return { status: 'unknown' };
  }
  return { status: 'error', reason: 'certificate not in the response' };
}

export async function queryOcsp(
  url: string, leaf: X509Certificate, issuer: X509Certificate, now: Date, timeoutMs = 5000,
): Promise<OcspStatus> {
  try {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: ocspRequest(leaf, issuer), signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return { status: 'error', reason: `HTTP ${res.status}` };
    return readOcspResponse(Buffer.from(await res.arrayBuffer()), leaf, issuer, now);
  } catch (err) {
    return { status: 'error', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable' };
  }
}

/** A responder's answer, for the development CA and the tests. */
export function buildOcspResponse(
  ca: { certPem: string; keyPem: string },
  leaf: X509Certificate,
  a: { status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date; thisUpdate: Date; nextUpdate: Date },
): Buffer {
  const issuer = new X509Certificate(ca.certPem);
  const gt = (d: Date) => asn1.create(UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
  const status = a.status === 'good' ? asn1.create(CONTEXT_SPECIFIC, 0, false, '')
    : a.status === 'revoked' ? asn1.create(CONTEXT_SPECIFIC, 1, true, [gt(a.revokedAt ?? a.thisUpdate)])
      : asn1.create(CONTEXT_SPECIFIC, 2, false, '');
  const tbs = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(CONTEXT_SPECIFIC, 1, true, [read(subjectDerOf(issuer))]),
    gt(a.thisUpdate),
    asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      certId(leaf, issuer), status, gt(a.thisUpdate), asn1.create(CONTEXT_SPECIFIC, 0, true, [gt(a.nextUpdate)]),
    ])]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = crypto.sign('sha256', tbsDer, ca.keyPem).toString('binary');
  const basic = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer('1.2.840.113549.1.1.11').getBytes()),
      asn1.create(UNIVERSAL, asn1.Type.NULL, false, ''),
    ]),
    asn1.create(UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature}`),
  ]);
  const response = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(UNIVERSAL, asn1.Type.ENUMERATED, false, '\x00'),
    asn1.create(CONTEXT_SPECIFIC, 0, true, [asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_BASIC_RESPONSE).getBytes()),
      asn1.create(UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(basic).getBytes()),
    ])]),
  ]);
  return Buffer.from(asn1.toDer(response).getBytes(), 'binary');
}

/** The certificate a request asks about, by serial (hex), for a test responder. */
export function requestedSerial(der: Buffer): string {
  const certIdNode = kids(kids(kids(kids(read(der))[0])[0])[0])[0];
  return forge.util.bytesToHex(raw(kids(certIdNode)[3])).toUpperCase().replace(/^(00)+(?=.)/, '');
}
