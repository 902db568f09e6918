/**
 * The answer to a complaint: its outcome for the customer and the text they read. Pure.
 */
export const COMPLAINT_OUTCOMES = ['favourable', 'partial', 'unfavourable'] as const;
export type ComplaintOutcome = (typeof COMPLAINT_OUTCOMES)[number];

export const RESOLUTION_MIN = 20;
export const RESOLUTION_MAX = 4000;

export type ResolutionError =
  | { field: 'outcome'; code: 'required' }
  | { field: 'resolution'; code: 'required' | 'too_short' | 'too_long' };

export function isComplaintOutcome(v: unknown): v is ComplaintOutcome {
  return typeof v === 'string' && (COMPLAINT_OUTCOMES as readonly string[]).includes(v);
}

/** A resolution says which way it went and explains it in words (a few words at least). */
export function checkResolution(input: { outcome: string; resolution: string }):
  { ok: true; value: { outcome: ComplaintOutcome; resolution: string } } | { ok: false; errors: ResolutionError[] } {
  const errors: ResolutionError[] = [];
  const text = input.resolution.trim();
  if (!isComplaintOutcome(input.outcome)) errors.push({ field: 'outcome', code: 'required' });
  if (!text) errors.push({ field: 'resolution', code: 'required' });
  else if (text.length < RESOLUTION_MIN) errors.push({ field: 'resolution', code: 'too_short' });
  else if (text.length > RESOLUTION_MAX) errors.push({ field: 'resolution', code: 'too_long' });
  if (errors.length || !isComplaintOutcome(input.outcome)) return { ok: false, errors };
  return { ok: true, value: { outcome: input.outcome, resolution: text } };
}
