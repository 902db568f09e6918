/** "  Valencia " and "valència" are the same answer: case, accents and spacing don't count. */
export function normalizeAnswer(answer: string): string {
  return answer.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}
