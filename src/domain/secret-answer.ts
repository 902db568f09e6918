/** "  Valencia " and "valència" are the same answer: case, accents and spacing don't count. */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Questions are chosen from this list and stored by key, and every page shows them translated:
 * a question typed by the user would stay in its own language while decoys are translated,
 * which tells who has an account.
 */
export const SECRET_QUESTIONS = [
  'first_pet', 'mother_city', 'primary_school', 'childhood_friend', 'childhood_street', 'favourite_food',
] as const;
export type SecretQuestionKey = (typeof SECRET_QUESTIONS)[number];

export function isSecretQuestionKey(v: unknown): v is SecretQuestionKey {
  return typeof v === 'string' && (SECRET_QUESTIONS as readonly string[]).includes(v);
}

/** A stable pick for ids without a usable question, from a keyed digest of the id. */
export function decoyQuestionKey(digest: Buffer): SecretQuestionKey {
  return SECRET_QUESTIONS[digest.readUInt32BE(0) % SECRET_QUESTIONS.length]!;
}
