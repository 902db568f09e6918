/**
 * A small certificate authority for development and tests: it issues certificates shaped
 * like the DNIe, FNMT and representative ones, server certificates for the HTTPS listener,
 * CRLs and PKCS#12 files for browsers. Keys come from Node's crypto (native RSA is fast);
 * node-forge builds and signs the structures.
 */
import crypto from 'node:crypto';
import forge from 'node-forge';
import { OID } from '../domain/certificate-identity';

const { asn1, pki } = forge;
const SHA256_RSA = '1.2.840.113549.1.1.11';

export interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  certPem: string;
  keyPem: string;
}

export interface NameAttr {
  oid: string;
  value: string;
}

function newKey(): { key: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { key, publicKey: pki.setRsaPublicKey(key.n, key.e), keyPem };
}

function attrs(list: readonly NameAttr[]): forge.pki.CertificateField[] {
  // UTF8String so that names with accents survive
  return list.map(
    (a) => ({ type: a.oid, value: a.value, valueTagClass: asn1.Type.UTF8 } as unknown as forge.pki.CertificateField),
  );
}

function randomSerial(): string {
  // positive: the high bit of the first octet clear
  const b = crypto.randomBytes(12);
  b[0] = b[0]! & 0x7f | 0x10;
  return b.toString('hex');
}

export function createCa(name: string, validity: { notBefore: Date; notAfter: Date }): Issued {
  const { key, publicKey, keyPem } = newKey();
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  const subject = attrs(
    [
      { oid: '2.5.4.6', value: 'ES' }, { oid: '2.5.4.10', value: 'Área Clientes (desarrollo)' },
      { oid: OID.commonName, value: name },
    ],
  );
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { cert, key, certPem: pki.certificateToPem(cert), keyPem };
}

export interface ClientCertOptions {
  subject: readonly NameAttr[];
  notBefore: Date;
  notAfter: Date;
  /**
   * 'auth': digitalSignature + clientAuth (DNIe AUTENTICACIÓN, FNMT);
   * 'signature': nonRepudiation only (DNIe FIRMA).
   */
  usage?: 'auth' | 'signature';
  serial?: string;
}

export function issueClientCert(ca: Issued, o: ClientCertOptions): Issued {
  const { key, publicKey, keyPem } = newKey();
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = o.serial ?? randomSerial();
  cert.validity.notBefore = o.notBefore;
  cert.validity.notAfter = o.notAfter;
  cert.setSubject(attrs(o.subject));
  cert.setIssuer(ca.cert.subject.attributes);
  const usage = o.usage ?? 'auth';
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    usage === 'auth'
      ? { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }
      : { name: 'keyUsage', nonRepudiation: true, critical: true },
    ...(usage === 'auth' ? [{ name: 'extKeyUsage', clientAuth: true, emailProtection: true }] : []),
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key, certPem: pki.certificateToPem(cert), keyPem };
}

export function issueServerCert(
  ca: Issued, hosts: readonly string[], validity: { notBefore: Date; notAfter: Date },
): Issued {
  const { key, publicKey, keyPem } = newKey();
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(attrs([{ oid: OID.commonName, value: hosts[0] ?? 'localhost' }]));
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key, certPem: pki.certificateToPem(cert), keyPem };
}

function timeNode(d: Date): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d));
}

function algorithm(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

/** A version 2 CRL listing the revoked serial numbers (hex), PEM encoded. */
export function createCrl(
  ca: Issued, revoked: readonly { serial: string; at: Date }[], thisUpdate: Date, nextUpdate: Date,
): string {
  const { UNIVERSAL } = asn1.Class;
  const entries = revoked.map((r) => asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(
      UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(r.serial.length % 2 ? `0${r.serial}` : r.serial),
    ),
    timeNode(r.at),
  ]));
  const tbs = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
    algorithm(),
    pki.distinguishedNameToAsn1(ca.cert.subject),
    timeNode(thisUpdate),
    timeNode(nextUpdate),
    ...(entries.length ? [asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, entries)] : []),
  ]);
  const tbsDer = asn1.toDer(tbs).getBytes();
  const md = forge.md.sha256.create();
  md.update(tbsDer);
  const signature = ca.key.sign(md);
  const crl = asn1.create(UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs, algorithm(), asn1.create(UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature}`),
  ]);
  const b64 = forge.util.encode64(asn1.toDer(crl).getBytes()).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN X509 CRL-----\n${b64}\n-----END X509 CRL-----\n`;
}

/** A PKCS#12 file a browser imports (the certificate, its key and the CA). */
export function toP12(issued: Issued, ca: Issued, password: string, friendlyName: string): Buffer {
  const p12 = forge.pkcs12.toPkcs12Asn1(
    issued.key, [issued.cert, ca.cert], password, { algorithm: '3des', friendlyName },
  );
  return Buffer.from(asn1.toDer(p12).getBytes(), 'binary');
}

export function serialOf(issued: Issued): string {
  return issued.cert.serialNumber.toUpperCase().replace(/^(00)+(?=.)/, '');
}
