/** Complaints (reclamaciones, seed 000 "Enviar una reclamación"): what a valid one holds. Pure. */

export const COMPLAINT_CATEGORIES = [
  'billing', 'reading_consumption', 'contracting', 'supply_quality', 'customer_service', 'other',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const DESCRIPTION_MIN = 20;
export const DESCRIPTION_MAX = 4000;
export const EXCERPT_LENGTH = 200;

export function isComplaintCategory(v: unknown): v is ComplaintCategory {
  return typeof v === 'string' && (COMPLAINT_CATEGORIES as readonly string[]).includes(v);
}

/**
 * The text as it is kept: line breaks normalised, control characters other than line breaks
 * and tabs removed, spaces at the ends trimmed. Lengths count characters, not bytes.
 */
export function normalizeDescription(raw: string): string {
  // every control character (\p{Cc}) except tab and line feed
  return raw.replace(/\r\n?/g, '\n').replace(/(?![\t\n])\p{Cc}/gu, '').trim();
}

export function textLength(s: string): number {
  return Array.from(s).length;
}

export type ComplaintFieldError =
  | { field: 'category'; code: 'required' }
  | { field: 'description'; code: 'required' | 'too_short' | 'too_long' };

export interface ComplaintInput { category: string; description: string }

export type ComplaintCheck =
  | { ok: true; value: { category: ComplaintCategory; description: string } }
  | { ok: false; errors: ComplaintFieldError[] };

export function validateComplaint(input: ComplaintInput): ComplaintCheck {
  const errors: ComplaintFieldError[] = [];
  if (!isComplaintCategory(input.category)) errors.push({ field: 'category', code: 'required' });
  const description = normalizeDescription(input.description);
  const n = textLength(description);
  if (n === 0) errors.push({ field: 'description', code: 'required' });
  else if (n < DESCRIPTION_MIN) errors.push({ field: 'description', code: 'too_short' });
  else if (n > DESCRIPTION_MAX) errors.push({ field: 'description', code: 'too_long' });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { category: input.category as ComplaintCategory, description } };
}

/** The first 200 characters, for lists and the request's details; whole characters only. */
export function descriptionExcerpt(description: string): string {
  return Array.from(description).slice(0, EXCERPT_LENGTH).join('');
}

export interface ComplaintPayload {
  category: ComplaintCategory;
  description: string;
  attachments: number;
  /** YYYY-MM-DD, the day the answer is due by. */
  deadline: string;
}

export function complaintPayload(
  c: { category: ComplaintCategory; description: string; attachments: number; deadline: string },
): ComplaintPayload {
  return {
    category: c.category, description: descriptionExcerpt(c.description), attachments: c.attachments,
    deadline: c.deadline,
  };
}
