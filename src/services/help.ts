import crypto from 'node:crypto';
import type { TFunction } from 'i18next';
import { searchHelp, type HelpEntry } from '../domain/help';

export interface HelpTopic {
  id: string;
  title: string;
  entries: HelpEntry[];
}

export interface HelpPage {
  query: string;
  results: HelpEntry[] | null;
  topics: HelpTopic[];
}

const TOPICS = [
  'access', 'registration', 'passwords', 'ebilling', 'invoices', 'payments', 'gestiones', 'business',
] as const;

/** The help centre in the reader's language: every topic, and the matches when there is a query. */
export function helpPage(t: TFunction, query: string): HelpPage {
  const entries = t('help.entries', { returnObjects: true }) as unknown as HelpEntry[];
  const topics = TOPICS.map(
    (id) => ({ id, title: t(`help.topics.${id}`), entries: entries.filter((e) => e.topic === id) }),
  );
  const trimmed = query.trim();
  return { query: trimmed, results: trimmed ? searchHelp(entries, trimmed).map((m) => m.entry) : null, topics };
}

export interface SigningCertificate {
  subject: string;
  pem: string;
  der: Buffer;
  sha256: string;
}

export function signingCertificate(signer: { subject: string; certificatePem: string }): SigningCertificate {
  const cert = new crypto.X509Certificate(signer.certificatePem);
  return { subject: signer.subject, pem: signer.certificatePem, der: cert.raw, sha256: cert.fingerprint256 };
}
