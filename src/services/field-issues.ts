import type { Language } from '../i18n';
import { checkPassword, passwordProblemMessage } from '../domain/password-policy';

/**
 * A problem a use case found with one form field: a message key, or a text the domain already
 * wrote in the user's language. The route puts them next to the fields (422).
 */
export type FieldIssue =
  | { field: string; key: string; text?: undefined }
  | { field: string; text: string; key?: undefined };

/** A new password against the policy, with the person's own words refused. */
export function passwordIssues(
  password: string, confirmation: string, lang: Language, userInputs: string[],
): FieldIssue[] {
  const pc = checkPassword(password, { lang, userInputs, confirmation });
  const out: FieldIssue[] = [];
  const first = pc.problems.find((p) => p !== 'mismatch');
  if (first) out.push({ field: 'password', text: [passwordProblemMessage(first, lang), ...pc.suggestions].join(' ') });
  if (pc.problems.includes('mismatch')) {
    out.push({ field: 'passwordConfirm', text: passwordProblemMessage('mismatch', lang) });
  }
  return out;
}
