/**
 * Password quality (DESIGN.md §5): length 12–128 code points, no composition rules, common
 * passwords and context words refused, strength estimated by zxcvbn-ts. zxcvbn is pure
 * computation, so it belongs in the domain.
 */
import { ZxcvbnFactory, type MatchExtended, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as esDictionary, translations as esTranslations } from '@zxcvbn-ts/language-es-es';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;
/** On zxcvbn's 0–4 scale, 3 is the first score it calls "safely unguessable". */
export const PASSWORD_MIN_SCORE = 3;

export type PasswordProblem =
  | 'too_short'
  | 'too_long'
  | 'too_common'
  | 'contains_personal_data'
  | 'too_weak'
  | 'mismatch';

export interface PasswordCheck {
  ok: boolean;
  /** In the order of `PasswordProblem`, so pages list them consistently. */
  problems: PasswordProblem[];
  score: number /* 0-4 */;
  suggestions: string[] /* translated */;
}

/** Words of this service that no user's password may lean on, whoever the user is. */
const SERVICE_WORDS = ['area', 'clientes', 'enerlia', 'baser', 'luz', 'gas', 'factura'];

/**
 * The common-password list is ASCII and English-centric: it has "contrasena" but neither the
 * accented Spanish spelling nor the Catalan word, which are what our users would reach for.
 */
const LOCAL_COMMON_PASSWORDS = ['contrasenya', 'contrasena', 'micontrasena', 'micontrasenya', 'clave', 'miclave'];

const zxcvbn = new ZxcvbnFactory({
  dictionary: {
    ...commonDictionary,
    ...esDictionary,
    'passwords-es-ca': LOCAL_COMMON_PASSWORDS,
  },
  graphs: adjacencyGraphs,
  // Levenshtein matching multiplies the cost of a check by ~15 (≈150 ms) without changing the
  // verdict on our cases; the check also runs on every inline (htmx) validation.
  useLevenshteinDistance: false,
  // The default (100) lets a 128-character password full of l33t-able symbols cost ~750 ms of
  // CPU per check on a public form; 8 still unmasks "P@55w0rd" and "f4ctur4" at ~10× less.
  l33tMaxSubstitutions: 8,
  // Longer passwords never reach zxcvbn; it counts UTF-16 units, and a code point may take two.
  maxLength: 2 * PASSWORD_MAX_LENGTH,
  // No `translations`: zxcvbn then returns its feedback keys, which we translate per request.
});

type SuggestionKey = keyof typeof esTranslations.suggestions;

const CA_SUGGESTIONS: Record<SuggestionKey, string> = {
  l33t: 'Evita substitucions previsibles com ara "@" per "a".',
  reverseWords: 'Evita paraules comunes escrites del revés.',
  allUppercase: 'Posa en majúscula algunes lletres, però no totes.',
  capitalization: 'Posa en majúscula alguna lletra més, a més de la primera.',
  dates: 'Evita les dates associades a tu.',
  recentYears: 'Evita els anys recents.',
  associatedYears: 'Evita els anys associats a tu.',
  sequences: 'Evita les seqüències de lletres habituals.',
  repeated: 'Evita les paraules i els caràcters repetits.',
  longerKeyboardPattern: 'Fes servir patrons de teclat més llargs i canvia de direcció diverses vegades.',
  anotherWord: 'Afegeix més paraules que siguin menys comunes.',
  useWords: 'Fes servir diverses paraules, però evita les frases fetes.',
  noNeed: 'Pots crear contrasenyes segures sense fer servir símbols, números ni majúscules.',
  pwned: 'Si fas servir aquesta contrasenya en un altre lloc, hauries de canviar-la.',
};

const SUGGESTIONS: Record<'es' | 'ca', Record<SuggestionKey, string>> = {
  es: esTranslations.suggestions,
  ca: CA_SUGGESTIONS,
};

const MESSAGES: Record<'es' | 'ca', Record<PasswordProblem, string>> = {
  es: {
    too_short: 'La contraseña debe tener al menos 12 caracteres.',
    too_long: 'La contraseña no puede tener más de 128 caracteres.',
    too_common: 'Esta contraseña es demasiado común. Elige otra que no sea fácil de adivinar.',
    contains_personal_data: 'La contraseña no puede contener tu NIF, tu nombre, tu email ni palabras de este servicio.',
    too_weak: 'La contraseña es fácil de adivinar. Prueba con una frase de varias palabras.',
    mismatch: 'Las contraseñas no coinciden.',
  },
  ca: {
    too_short: 'La contrasenya ha de tenir com a mínim 12 caràcters.',
    too_long: 'La contrasenya no pot tenir més de 128 caràcters.',
    too_common: "Aquesta contrasenya és massa comuna. Tria'n una altra que no sigui fàcil d'endevinar.",
    contains_personal_data:
      "La contrasenya no pot contenir el teu NIF, el teu nom, la teva adreça electrònica ni paraules d'aquest servei.",
    too_weak: "La contrasenya és fàcil d'endevinar. Prova amb una frase de diverses paraules.",
    mismatch: 'Les contrasenyes no coincideixen.',
  },
};

export function passwordProblemMessage(problem: PasswordProblem, lang: 'es' | 'ca'): string {
  return MESSAGES[lang][problem];
}

const PROBLEM_ORDER: PasswordProblem[] = [
  'too_short', 'too_long', 'too_common', 'contains_personal_data', 'too_weak', 'mismatch',
];

/** Shorter inputs ("Li", "de") are too likely by chance to refuse a password for. */
const MIN_INPUT_LENGTH = 3;
/**
 * Inputs this long are refused anywhere inside the password. Shorter ones ("luz", "gas", "Eva",
 * "area") only as a word of their own: inside a word they are chance ("gasto", "nueva",
 * "tarea") and refusing them would refuse good passphrases.
 */
const MIN_SUBSTRING_LENGTH = 5;

const stripMarks = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
const fold = (s: string) => stripMarks(s).toLowerCase();
const withoutSeparators = (s: string) => s.replace(/[\s.\-_·]/gu, '');
const codePoints = (s: string) => [...s].length;

/** Whole inputs plus their words, unaccented, so "García" also catches "garcia". */
function contextWords(userInputs: string[]): string[] {
  const words = new Set<string>();
  for (const raw of [...userInputs, ...SERVICE_WORDS]) {
    const whole = fold(raw.trim());
    const candidates = [whole, withoutSeparators(whole), ...whole.split(/[^\p{L}\p{N}]+/u)];
    // The number of a DNI/NIE is as personal as the whole NIF.
    for (const digits of whole.match(/\d{6,}/g) ?? []) candidates.push(digits);
    for (const c of candidates) if (codePoints(c) >= MIN_INPUT_LENGTH) words.add(c);
  }
  return [...words];
}

type CharClass = 'separator' | 'lower' | 'upper' | 'letter' | 'digit';
const charClass = (ch: string): CharClass =>
  /\p{Ll}/u.test(ch) ? 'lower' : /\p{Lu}/u.test(ch) ? 'upper' : /\p{L}/u.test(ch) ? 'letter' : /\p{N}/u.test(ch) ? 'digit' : 'separator';

/**
 * How people join words in a password: separators, letters against digits, and camelCase
 * ("AreaClientes2026" → Area|Clientes|2026). Returns the words and the UTF-16 offsets where a
 * word starts or ends, the unit zxcvbn reports matches in.
 */
function splitWords(password: string): { words: string[]; starts: Set<number>; ends: Set<number> } {
  const words: string[] = [];
  const starts = new Set<number>();
  const ends = new Set<number>();
  let current = '';
  let start = 0;
  let prev: CharClass = 'separator';
  let offset = 0;
  const close = () => {
    if (current !== '') {
      words.push(fold(current));
      starts.add(start);
      ends.add(offset);
    }
    current = '';
  };
  for (const ch of password) {
    const cls = charClass(ch);
    const breaks =
      cls === 'separator' ||
      prev === 'separator' ||
      (cls === 'digit') !== (prev === 'digit') ||
      (prev === 'lower' && cls === 'upper');
    if (breaks) {
      close();
      start = offset;
    }
    if (cls !== 'separator') current += ch;
    prev = cls;
    offset += ch.length;
  }
  close();
  return { words, starts, ends };
}

const isDictionaryFrom = (m: MatchExtended, name: (dictionaryName: string) => boolean) =>
  m.pattern === 'dictionary' && typeof m.dictionaryName === 'string' && name(m.dictionaryName);

/**
 * zxcvbn also finds context words written in l33t or reversed ("f4ctur4"); the same length /
 * whole-word rule applies so its chance finds ("ve" + "gas") are not refused either.
 */
function zxcvbnFoundContext(result: ZxcvbnResult): boolean {
  const { starts, ends } = splitWords(result.password);
  return result.sequence.some(
    (m) =>
      isDictionaryFrom(m, (n) => n === 'userInputs') &&
      (codePoints(m.token) >= MIN_SUBSTRING_LENGTH || (starts.has(m.i) && ends.has(m.j + 1))),
  );
}

function containsContext(password: string, results: ZxcvbnResult[], words: string[]): boolean {
  const folded = fold(password);
  const foldedCompact = withoutSeparators(folded);
  const passwordWords = new Set(splitWords(password).words);
  return (
    words.some(
      (w) =>
        passwordWords.has(w) ||
        (codePoints(w) >= MIN_SUBSTRING_LENGTH && (folded.includes(w) || foldedCompact.includes(w))),
    ) || results.some(zxcvbnFoundContext)
  );
}

/**
 * A password is "common" when it is mostly a known password with decoration ("password1234",
 * "qwertyuiop123"). A strong passphrase may contain such a word ("dragon", "tortuga" are on
 * the list) and is not refused for it, hence the half-length and the weak-score conditions.
 */
function isMostlyCommonPassword(result: ZxcvbnResult): boolean {
  if (result.score >= PASSWORD_MIN_SCORE) return false;
  const covered = result.sequence
    .filter((m) => isDictionaryFrom(m, (n) => n.startsWith('passwords')))
    .reduce((sum, m) => sum + (m.j - m.i + 1), 0);
  return covered > 0 && covered * 2 >= result.password.length;
}

/**
 * @param opts.userInputs the user's NIF, names, email local part and company name; the service's
 *   own words are always added. A password over the maximum length is refused without analysis
 *   (score 0, no suggestions).
 */
export function checkPassword(
  password: string,
  opts: { lang: 'es' | 'ca'; userInputs: string[]; confirmation?: string },
): PasswordCheck {
  const length = codePoints(password);
  const mismatch = opts.confirmation !== undefined && opts.confirmation !== password;
  if (length > PASSWORD_MAX_LENGTH) {
    // Refused whatever its content, so it is not worth the most expensive analysis there is.
    return { ok: false, problems: mismatch ? ['too_long', 'mismatch'] : ['too_long'], score: 0, suggestions: [] };
  }
  const words = contextWords(opts.userInputs);

  // Attackers' lists hold unaccented spellings ("contrasena"), so the unaccented form is
  // checked too and the weaker verdict counts.
  const results = [zxcvbn.check(password, words)];
  const unaccented = stripMarks(password);
  if (unaccented !== password) results.push(zxcvbn.check(unaccented, words));
  const weakest = results.reduce((a, b) => (b.score < a.score ? b : a));

  const found = new Set<PasswordProblem>();
  if (length < PASSWORD_MIN_LENGTH) found.add('too_short');
  if (results.some(isMostlyCommonPassword)) found.add('too_common');
  if (containsContext(password, results, words)) found.add('contains_personal_data');
  if (weakest.score < PASSWORD_MIN_SCORE) found.add('too_weak');
  if (mismatch) found.add('mismatch');

  const problems = PROBLEM_ORDER.filter((p) => found.has(p));
  const translations = SUGGESTIONS[opts.lang];
  const suggestions = weakest.feedback.suggestions
    .filter((key): key is SuggestionKey => Object.hasOwn(translations, key))
    .map((key) => translations[key]);

  return { ok: problems.length === 0, problems, score: weakest.score, suggestions };
}
