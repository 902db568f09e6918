/**
 * The help centre's search: pure, so the same question is found with or without accents,
 * in any letter case, and whatever order the words come in. Answers are ranked by where the
 * words appear (the question weighs more than the answer).
 */

export interface HelpEntry {
  id: string;
  topic: string;
  question: string;
  answer: readonly string[];
  /** Where to do what the answer explains, inside the portal. */
  link?: { href: string; label: string };
}

export interface HelpMatch {
  entry: HelpEntry;
  score: number;
}

export const QUERY_MAX = 100;
const MIN_WORD = 2;
// Words that every question shares and that would match everything.
const STOP_WORDS = new Set([
  'el', 'la', 'los', 'las', 'un', 'una', 'de', 'del', 'en', 'y', 'o', 'a', 'al', 'mi', 'mis', 'tu', 'tus', 'que',
  'como', 'se',
  'es', 'por', 'para', 'con', 'lo', 'le', 'me', 'puedo', 'i', 'els', 'les', 'com', 'puc', 'per', 'amb', 'meu', 'meva',
  'teu', 'teva',
]);

/** Lower case, no accents or diacritics, punctuation as spaces. */
export function normalizeForSearch(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The words a query searches for; an empty list means "show everything". */
export function queryWords(raw: string): string[] {
  const words = normalizeForSearch(raw.slice(0, QUERY_MAX)).split(' ');
  return [...new Set(words.filter((w) => w.length >= MIN_WORD && !STOP_WORDS.has(w)).map(singular))];
}

/** "facturas" searches as "factura", which also finds "facturación": a plural is a prefix away. */
function singular(w: string): string {
  return w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w;
}

/**
 * Entries that contain every word of the query (as the start of a word, so "factura" finds
 * "facturas" and "facturación"), best first; with no words, no matches.
 */
export function searchHelp(entries: readonly HelpEntry[], raw: string): HelpMatch[] {
  const words = queryWords(raw);
  if (words.length === 0) return [];
  const matches: HelpMatch[] = [];
  for (const entry of entries) {
    const question = ` ${normalizeForSearch(entry.question)}`;
    const answer = ` ${normalizeForSearch(entry.answer.join(' '))}`;
    let score = 0;
    let all = true;
    for (const w of words) {
      const inQuestion = question.includes(` ${w}`);
      const inAnswer = answer.includes(` ${w}`);
      if (!inQuestion && !inAnswer) {
        all = false;
        break;
      }
      score += (inQuestion ? 3 : 0) + (inAnswer ? 1 : 0);
    }
    if (all) matches.push({ entry, score });
  }
  return matches.sort((a, b) => b.score - a.score);
}
