/**
 * Verifies a client certificate presented for login: the chain up to one of the configured
 * CAs (signatures checked with Node's crypto), the revocation lists, and the dates and key
 * usage as the domain decides them at the given time. The CA bundle and the CRLs are read
 * from files and reloaded periodically, so a new CRL needs no restart.
 */
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { assessCertificate, identityFromSubject, OID, type CertificateIdentity } from '../domain/certificate-identity';
import { parseCertificate, parseCrl, pemBlocks, type ParsedCertificate, type ParsedCrl } from './x509-parse';
import { queryOcsp } from './ocsp';

export type CertificateVerdict =
  | 'ok' | 'none' | 'untrusted' | 'revoked' | 'expired' | 'not_yet_valid' | 'wrong_usage' | 'no_identity'
  /** An OCSP responder is configured and gave no usable answer. */
  | 'unavailable';

/** What the pages may say about the certificate (no key material, nothing secret). */
export interface CertificateSummary {
  subjectName: string;
  issuerName: string;
  serial: string;
  notAfter: Date;
  revokedAt: Date | null;
}

export interface CertificateCheck {
  verdict: CertificateVerdict;
  summary: CertificateSummary | null;
  identity: CertificateIdentity | null;
}

interface Anchor {
  x509: X509Certificate;
  parsed: ParsedCertificate;
}

interface Loaded {
  anchors: Anchor[];
  crls: Map<string, ParsedCrl>;
}

export interface TrustStoreOptions {
  caPath: string;
  crlPath?: string;
  reloadMinutes: number;
  /** Asked about every certificate that passes the other checks. */
  ocspUrl?: string;
  logger?: Logger;
}

const MAX_CHAIN = 6;

function filesOf(p: string): string[] {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return [p];
  return fs.readdirSync(p).filter((f) => !f.startsWith('.')).sort().map((f) => path.join(p, f))
    .filter((f) => fs.statSync(f).isFile());
}

function display(attrs: { oid: string; value: string }[]): string {
  return attrs.find((a) => a.oid === OID.commonName)?.value ?? attrs.map((a) => a.value).join(', ');
}

function signatureValid(crl: ParsedCrl, issuer: X509Certificate): boolean {
  const hash = crl.signatureOid.endsWith('.11') ? 'sha256' : crl.signatureOid.endsWith('.12') ? 'sha384'
    : crl.signatureOid.endsWith('.13') ? 'sha512' : crl.signatureOid.endsWith('.5') ? 'sha1'
      : crl.signatureOid === '1.2.840.10045.4.3.2' ? 'sha256'
        : crl.signatureOid === '1.2.840.10045.4.3.3' ? 'sha384' : 'sha256';
  try {
    return crypto.verify(hash, crl.tbs, issuer.publicKey, crl.signature);
  } catch {
    return false;
  }
}

/** The configured CAs and CRLs; `reload()` re-reads the files. */
export class TrustStore {
  private loaded: Loaded = { anchors: [], crls: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private readonly opts: TrustStoreOptions;

  constructor(opts: TrustStoreOptions) {
    this.opts = opts;
  }

  /** PEM of the configured CAs, for the TLS handshake's list of acceptable issuers. */
  caPems(): string[] {
    return this.loaded.anchors.map((a) => a.x509.toString());
  }

  reload(): void {
    const anchors: Anchor[] = [];
    for (const file of filesOf(this.opts.caPath)) {
      for (const der of pemBlocks(fs.readFileSync(file), 'CERTIFICATE')) {
        anchors.push({ x509: new X509Certificate(der), parsed: parseCertificate(der) });
      }
    }
    if (!anchors.length) throw new Error(`CERT_LOGIN_CA (${this.opts.caPath}) holds no certificate`);
    const crls = new Map<string, ParsedCrl>();
    if (this.opts.crlPath && fs.existsSync(this.opts.crlPath)) {
      for (const file of filesOf(this.opts.crlPath)) {
        for (const der of pemBlocks(fs.readFileSync(file), 'X509 CRL')) {
          let crl: ParsedCrl;
          try {
            crl = parseCrl(der);
          } catch {
            this.opts.logger?.warn({ file }, 'certificate login: a CRL file cannot be read');
            continue;
          }
          const issuer = anchors.find((a) => a.parsed.subjectKey === crl.issuerKey && signatureValid(crl, a.x509));
          if (!issuer) {
            this.opts.logger?.warn({ file }, 'certificate login: a CRL is not signed by a configured CA; ignored');
            continue;
          }
          const older = crls.get(crl.issuerKey);
          if (!older || older.thisUpdate < crl.thisUpdate) crls.set(crl.issuerKey, crl);
        }
      }
    }
    this.loaded = { anchors, crls };
  }

  /** Loads now and then every `reloadMinutes`; a failed reload keeps the previous lists. */
  start(): this {
    this.reload();
    if (this.opts.reloadMinutes > 0 && !this.timer) {
      this.timer = setInterval(() => {
        try {
          this.reload();
        } catch (err) {
          this.opts.logger?.error(
            { err: (err as Error).message }, 'certificate login: reloading the CAs and CRLs failed',
          );
        }
      }, this.opts.reloadMinutes * 60_000);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Checks a presented certificate (DER) with the chain the client sent, at `now`. The order
   * of the verdicts is what the person can act on: an untrusted certificate is refused
   * whatever else it says; revocation before dates and usage.
   */
  async verify(leafDer: Buffer | null, presentedChain: readonly Buffer[], now: Date): Promise<CertificateCheck> {
    const result = this.checkOffline(leafDer, presentedChain, now);
    const url = this.opts.ocspUrl;
    if (result.check.verdict !== 'ok' || !url || !result.leaf || !result.issuer) return result.check;
    const answer = await queryOcsp(url, result.leaf, result.issuer, now);
    if (answer.status === 'good') return result.check;
    if (answer.status === 'revoked') {
      return {
        verdict: 'revoked', summary: result.check.summary && { ...result.check.summary, revokedAt: answer.at },
        identity: null,
      };
    }
    this.opts.logger?.warn(
      { reason: answer.status === 'error' ? answer.reason : 'unknown' }, 'certificate login: no usable OCSP answer',
    );
    return { verdict: 'unavailable', summary: result.check.summary, identity: null };
  }

  /** The checks that need no network (chain, CRLs, dates, usage, identity). */
  check(leafDer: Buffer | null, presentedChain: readonly Buffer[], now: Date): CertificateCheck {
    return this.checkOffline(leafDer, presentedChain, now).check;
  }

  private checkOffline(
    leafDer: Buffer | null, presentedChain: readonly Buffer[], now: Date,
  ): { check: CertificateCheck; leaf?: X509Certificate; issuer?: X509Certificate } {
    const plain = (c: CertificateCheck) => ({ check: c });
    if (!leafDer || !leafDer.length) return plain({ verdict: 'none', summary: null, identity: null });
    let leaf: ParsedCertificate;
    let leafX: X509Certificate;
    try {
      leaf = parseCertificate(leafDer);
      leafX = new X509Certificate(leafDer);
    } catch {
      return plain({ verdict: 'untrusted', summary: null, identity: null });
    }
    const summary: CertificateSummary = {
      subjectName: display(leaf.subject), issuerName: display(leaf.issuer), serial: leaf.serial,
      notAfter: leaf.facts.notAfter, revokedAt: null,
    };
    const built = this.buildChain(leafX, leaf, presentedChain, now);
    if (!built) return plain({ verdict: 'untrusted', summary, identity: null });
    for (const c of built.path) {
      const crl = this.loaded.crls.get(c.issuerKey);
      const at = crl?.revoked.get(c.serial);
      if (at) {
        return plain(
          { verdict: 'revoked', summary: { ...summary, revokedAt: c === leaf ? at : null }, identity: null },
        );
      }
    }
    const use = assessCertificate(leaf.facts, now);
    if (use !== 'ok') return plain({ verdict: use, summary, identity: null });
    const id = identityFromSubject(leaf.subject);
    if (!id.ok) return plain({ verdict: 'no_identity', summary, identity: null });
    return { check: { verdict: 'ok', summary, identity: id.identity }, leaf: leafX, issuer: built.leafIssuer };
  }

  /** The certificates from the leaf up to (not including) a configured CA, and the leaf's issuer; or null. */
  private buildChain(
    leafX: X509Certificate, leaf: ParsedCertificate, presented: readonly Buffer[], now: Date,
  ): { path: ParsedCertificate[]; leafIssuer: X509Certificate } | null {
    const intermediates: { x509: X509Certificate; parsed: ParsedCertificate }[] = [];
    for (const der of presented) {
      try {
        intermediates.push({ x509: new X509Certificate(der), parsed: parseCertificate(der) });
      } catch {
        // a malformed extra certificate is simply not used
      }
    }
    const path: ParsedCertificate[] = [leaf];
    let current = leafX;
    let leafIssuer: X509Certificate | null = null;
    for (let depth = 0; depth < MAX_CHAIN; depth++) {
      const anchor = this.loaded.anchors.find((a) => current.checkIssued(a.x509) && current.verify(a.x509.publicKey));
      if (anchor) return validAt(anchor.parsed, now) ? { path, leafIssuer: leafIssuer ?? anchor.x509 } : null;
      const next = intermediates.find((c) => c.parsed.facts.isCa && current.checkIssued(c.x509) && current.verify(
        c.x509.publicKey,
      )
        && !path.some((p) => p.der.equals(c.parsed.der)));
      if (!next || !validAt(next.parsed, now)) return null;
      path.push(next.parsed);
      leafIssuer ??= next.x509;
      current = next.x509;
    }
    return null;
  }
}

function validAt(c: ParsedCertificate, now: Date): boolean {
  return c.facts.notBefore.getTime() <= now.getTime() && now.getTime() <= c.facts.notAfter.getTime();
}

/**
 * The certificate a reverse proxy passed in a header: nginx's `$ssl_client_escaped_cert`
 * (URL-encoded PEM), a PEM with its line breaks folded into spaces or tabs, or base64 DER
 * (HAProxy's `ssl_c_der,base64`).
 */
export function certificateFromHeader(value: string | undefined): Buffer | null {
  if (!value) return null;
  let v = value.trim();
  if (!v || v === '(null)') return null;
  if (v.includes('%')) {
    try {
      v = decodeURIComponent(v);
    } catch {
      return null;
    }
  }
  if (v.includes('BEGIN CERTIFICATE')) {
    const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(v);
    return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : null;
  }
  if (!/^[A-Za-z0-9+/=\s]+$/.test(v)) return null;
  const der = Buffer.from(v.replace(/\s+/g, ''), 'base64');
  return der.length ? der : null;
}
