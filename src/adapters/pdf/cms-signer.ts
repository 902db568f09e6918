import crypto from 'node:crypto';
import forge from 'node-forge';
import { Signer } from '@signpdf/utils';

// DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2 note 1).
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * Builds the same detached CMS as @signpdf/signer-p12, but from a key and certificate decrypted
 * once at start-up, with the RSA operation done by Node's native crypto: P12Signer re-decrypts
 * the P12 and signs in pure JavaScript on every call, which dominates the cost of issuing.
 */
export class NativeKeySigner extends Signer {
  private readonly nodeKey: crypto.KeyObject;

  constructor(
    private readonly key: forge.pki.rsa.PrivateKey, private readonly certificate: forge.pki.Certificate,
    private readonly chain: forge.pki.Certificate[],
  ) {
    super();
    this.nodeKey = crypto.createPrivateKey(forge.pki.privateKeyToPem(key));
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
    for (const c of this.chain) p7.addCertificate(c);
    const nodeKey = this.nodeKey;
    // forge calls key.sign(md) for the signed attributes; we hand it a native PKCS#1 v1.5 signer.
    const key = {
      ...this.key,
      sign(md: forge.md.MessageDigest): string {
        const digest = Buffer.from(md.digest().getBytes(), 'binary');
        return crypto.privateEncrypt(
          { key: nodeKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest]),
        ).toString('binary');
      },
    } as unknown as forge.pki.rsa.PrivateKey;
    p7.addSigner({
      key,
      certificate: this.certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data },
        { type: forge.pki.oids.signingTime!, value: (signingTime ?? new Date()) as unknown as string },
        { type: forge.pki.oids.messageDigest! },
      ],
    });
    p7.sign({ detached: true });
    return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  }
}
