import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { retailer } from '../../domain/retailer';
import { NativeKeySigner } from './cms-signer';

export interface PdfSigner {
  sign(pdf: Buffer, opts: { reason: string; signedAt: Date }): Promise<Buffer>;
  /** Subject of the signing certificate, RFC 4514 style ("CN=…, O=…, C=ES"). */
  subject: string;
  /** The public signing certificate (PEM), published so customers can verify their invoices. */
  certificatePem: string;
  /** The P12 it signs with, for the PDF worker threads to load the same key (./pool.ts). */
  readonly material: SignerMaterial;
}

export interface SignerMaterial {
  p12: Buffer;
  passphrase: string;
  source: string;
}

export interface LoadSignerOptions {
  p12Path?: string;
  passphrase?: string;
  dataDir: string;
  inMemory?: boolean;
}

export const DEV_CERT_COMMON_NAME = 'Enerlia Comercializadora - Firma de facturas (desarrollo)';
const DEV_CERT_YEARS = 10;
// id-kp-documentSigning (RFC 9336); forge has no name for it but accepts the dotted OID.
const OID_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
// Room left in the placeholder beyond the measured signature size (the DER of the signing time
// can vary by a few bytes, and a renewed certificate may be slightly larger).
const SIGNATURE_MARGIN_BYTES = 2048;
// The bag types P12Signer reads; forge.pki.oids is typed as a loose string map.
const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const PARTIAL_CERT_RETRIES = 30;
const PARTIAL_CERT_RETRY_MS = 100;

/**
 * Signs PDFs with a P12: the configured one, or a self-signed development certificate kept in
 * the data folder (or only in memory, for tests).
 */
export async function loadSigner(opts: LoadSignerOptions): Promise<PdfSigner> {
  if (opts.p12Path) {
    const file = opts.p12Path;
    let p12: Buffer;
    try {
      p12 = await fs.readFile(file);
    } catch (err) {
      throw new Error(
        `The signing certificate ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
        { cause: err },
      );
    }
    return createSigner(p12, opts.passphrase ?? '', file);
  }
  if (opts.inMemory) {
    const dev = await inMemoryCertificate();
    return createSigner(dev.p12, dev.passphrase, 'the in-memory development certificate');
  }
  const dev = await ensureDevelopmentCertificate(opts.dataDir);
  return createSigner(await fs.readFile(dev.p12Path), dev.passphrase, dev.p12Path);
}

/** A signer from P12 bytes already read, as a PDF worker thread makes its own. */
export function signerFromMaterial(m: SignerMaterial): Promise<PdfSigner> {
  return createSigner(m.p12, m.passphrase, m.source);
}

async function createSigner(p12: Buffer, passphrase: string, source: string): Promise<PdfSigner> {
  const { subject, commonName, key, certificate, chain } = inspectP12(p12, passphrase, source);
  const cms = new NativeKeySigner(key, certificate, chain);
  const signpdf = new SignPdf();
  // A detached signature has the same size whatever the document, so one probe tells how big
  // the placeholder must be, and proves the key matches a certificate before the first invoice.
  let probe: Buffer;
  try {
    probe = await cms.sign(Buffer.from('probe'), new Date(0));
  } catch (err) {
    throw new Error(`The signing certificate ${source} cannot sign: ${(err as Error).message}`, { cause: err });
  }
  const signatureLength = probe.length + SIGNATURE_MARGIN_BYTES;

  const material: SignerMaterial = { p12, passphrase, source };
  return {
    subject,
    material,
    certificatePem: forge.pki.certificateToPem(certificate),
    async sign(pdf, { reason, signedAt }) {
      const withPlaceholder = plainAddPlaceholder({
        pdfBuffer: pdf,
        reason,
        contactInfo: retailer.email,
        name: commonName,
        location: 'Valencia',
        signingTime: signedAt,
        signatureLength,
        // PAdES's SubFilter, which placeholder-plain lets us choose. The CMS (as @signpdf/signer-p12's) has no
        // signing-certificate-v2 attribute, so this is not a full PAdES-B-B signature for strict
        // EU validators (DSS), though Acrobat and poppler verify it.
        subFilter: SUBFILTER_ETSI_CADES_DETACHED,
        // A PDF name, not a string: placeholder-plain writes it unescaped, so no spaces or accents.
        appName: 'Enerlia-AreaClientes',
      });
      return signpdf.sign(withPlaceholder, cms, signedAt);
    },
  };
}

/** Decrypts the P12 up front so a wrong passphrase fails at startup with the file's name. */
function inspectP12(p12: Buffer, passphrase: string, source: string): {
  subject: string;
  commonName: string;
  key: forge.pki.rsa.PrivateKey;
  certificate: forge.pki.Certificate;
  chain: forge.pki.Certificate[];
} {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), false, passphrase);
  } catch {
    // forge's message says nothing useful beyond this, and the passphrase must never be echoed.
    throw new Error(
      `The signing certificate ${source} cannot be decrypted: wrong passphrase, or not a PKCS#12 (.p12/.pfx) file.`,
    );
  }
  const keyBag = parsed.getBags({ bagType: OID_SHROUDED_KEY_BAG })[OID_SHROUDED_KEY_BAG]?.[0];
  const key = keyBag?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new Error(`The signing certificate ${source} holds no (encrypted) private key.`);
  const certs = (parsed.getBags({ bagType: OID_CERT_BAG })[OID_CERT_BAG] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => c !== undefined);
  const cert = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.equals(key.n) && pub.e?.equals(key.e);
  });
  if (!cert) throw new Error(`The signing certificate ${source} holds no certificate for its private key.`);
  const attrs = cert.subject.attributes;
  const subject = [...attrs].reverse().map(
    (a) => `${a.shortName ?? a.name ?? a.type}=${escapeDnValue(String(a.value))}`,
  ).join(', ');
  const commonName = String(cert.subject.getField('CN')?.value ?? subject);
  return { subject, commonName, key, certificate: cert, chain: certs };
}

/** RFC 4514 escaping, so "O=Enerlia Comercializadora\\, S.L." stays one attribute. */
function escapeDnValue(v: string): string {
  return v.replace(/[,+"\\<>;]/g, '\\$&').replace(/^[ #]/, '\\$&').replace(/ $/, '\\ ');
}

// ── development certificate ─────────────────────────────────────────────────

interface GeneratedCertificate {
  p12: Buffer;
  passphrase: string;
}

let inMemory: Promise<GeneratedCertificate> | null = null;

function inMemoryCertificate(): Promise<GeneratedCertificate> {
  inMemory ??= Promise.resolve().then(generateDevelopmentCertificate);
  return inMemory;
}

// Concurrent callers in one process share the same creation instead of racing on the files.
const ensuring = new Map<string, Promise<{ p12Path: string; passphrase: string }>>();

/**
 * The self-signed certificate development signs with, created on first use in
 * `<dataDir>/signing/` and reused afterwards.
 */
export function ensureDevelopmentCertificate(dataDir: string): Promise<{ p12Path: string; passphrase: string }> {
  const dir = path.resolve(dataDir, 'signing');
  let pending = ensuring.get(dir);
  if (!pending) {
    pending = ensureInDir(dir);
    ensuring.set(dir, pending);
    // Only in-flight creations are shared; later calls look at the disk again, so a deleted
    // folder or a failure (e.g. read-only) is seen by the next call.
    const forget = (): void => void ensuring.delete(dir);
    pending.then(forget, forget);
  }
  return pending;
}

async function ensureInDir(dir: string): Promise<{ p12Path: string; passphrase: string }> {
  const p12Path = path.join(dir, 'dev-signing.p12');
  const passPath = path.join(dir, 'dev-signing.pass');

  const existing = await readExisting(p12Path, passPath);
  if (existing) return existing;

  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(
      `The folder ${dir} for the development signing certificate cannot be created ` +
        `(${(err as NodeJS.ErrnoException).code}). Set DATA_DIR to a writable folder.`,
      { cause: err },
    );
  }
  const generated = generateDevelopmentCertificate();
  // The passphrase file is created exclusively: whoever creates it owns the pair, and another
  // process that lost the race waits for the winner's P12 instead of writing a second one.
  try {
    await fs.writeFile(passPath, `${generated.passphrase}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = await readExisting(p12Path, passPath);
      if (theirs) return theirs;
    }
    throw new Error(
      `The development signing certificate cannot be written to ${dir} (${(err as NodeJS.ErrnoException).code}).`,
      { cause: err },
    );
  }
  // Written aside and renamed, so a reader never sees a half-written P12.
  const tmp = `${p12Path}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(tmp, generated.p12, { mode: 0o600 });
  await fs.rename(tmp, p12Path);
  return { p12Path, passphrase: generated.passphrase };
}

/** The stored pair, waiting a little when another process is half-way through creating it. */
async function readExisting(
  p12Path: string, passPath: string,
): Promise<{ p12Path: string; passphrase: string } | null> {
  for (let attempt = 0; ; attempt++) {
    const [p12Exists, pass] = await Promise.all([
      fs.access(p12Path).then(() => true, () => false),
      fs.readFile(passPath, 'utf8').catch(() => null),
    ]);
    if (p12Exists && pass !== null) return { p12Path, passphrase: pass.trim() };
    if (!p12Exists && pass === null) return null;
    if (attempt >= PARTIAL_CERT_RETRIES) {
      throw new Error(
        `The development signing certificate in ${path.dirname(p12Path)} is incomplete ` +
          `(${p12Exists ? 'dev-signing.pass' : 'dev-signing.p12'} is missing). Delete that folder to create a new one.`,
      );
    }
    await new Promise((r) => setTimeout(r, PARTIAL_CERT_RETRY_MS));
  }
}

function generateDevelopmentCertificate(): GeneratedCertificate {
  // Node's native RSA generation takes milliseconds; forge's pure-JS one takes seconds.
  const pair = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(pair.privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(pair.publicKey);
  // Positive serial: a leading 0x01 byte keeps the DER INTEGER from being read as negative.
  cert.serialNumber = `01${crypto.randomBytes(15).toString('hex')}`;
  const now = new Date();
  // Back-dated a day so a slightly slow clock elsewhere does not see it as not yet valid.
  cert.validity.notBefore = new Date(now.getTime() - 86_400_000);
  cert.validity.notAfter = new Date(now.getTime());
  cert.validity.notAfter.setUTCFullYear(cert.validity.notAfter.getUTCFullYear() + DEV_CERT_YEARS);
  const name = [
    { shortName: 'C', value: 'ES' },
    { shortName: 'O', value: retailer.name },
    { shortName: 'CN', value: DEV_CERT_COMMON_NAME },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', critical: true, digitalSignature: true, nonRepudiation: true },
    { name: 'extKeyUsage', emailProtection: true, [OID_DOCUMENT_SIGNING]: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey, forge.md.sha256.create());

  const passphrase = crypto.randomBytes(24).toString('base64url');
  const asn1 = forge.pkcs12.toPkcs12Asn1(privateKey, [cert], passphrase, {
    algorithm: 'aes256',
    friendlyName: DEV_CERT_COMMON_NAME,
    generateLocalKeyId: true,
  });
  return { p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), passphrase };
}
