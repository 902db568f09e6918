import crypto from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { formatRecoveryCode, parseCode, RECOVERY_CODE_COUNT } from '../domain/staff';

const ISSUER = 'Área Clientes Admin';
const PERIOD_S = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

/** The QR code as a data: URL image, which the CSP allows and needs no inline script or style. */
export async function totpQrDataUrl(staffId: string, secret: string, issuer = ISSUER): Promise<string> {
  const uri = generateURI({ issuer, label: staffId, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * Checks a 6-digit code at the app's clock, one period of drift either way. A time step at or
 * before `afterTimeStep` is refused, so a code seen over a shoulder cannot be used again.
 */
export async function verifyTotp(
  secret: string, code: string, now: Date, afterTimeStep: number | null,
): Promise<{ valid: true; timeStep: number } | { valid: false }> {
  if (!/^\d{6}$/.test(code)) return { valid: false };
  const r = await verify({
    secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: PERIOD_S,
    ...(afterTimeStep !== null ? { afterTimeStep } : {}),
  });
  // the functional API's result type covers HOTP too; a TOTP result always has timeStep
  return r.valid && 'timeStep' in r ? { valid: true, timeStep: r.timeStep } : { valid: false };
}

/** Recovery codes carry 60 random bits, so a plain SHA-256 is enough to store them. */
export function hashRecoveryCode(code: string): string {
  const parsed = parseCode(code);
  const canonical = parsed.kind === 'recovery' ? parsed.code : code;
  return crypto.createHash('sha256').update(canonical).digest('hex');
}

export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => formatRecoveryCode(crypto.randomBytes(12)));
  return { codes, hashes: codes.map(hashRecoveryCode) };
}
