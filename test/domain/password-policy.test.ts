import { expect } from 'chai';
import { checkPassword, passwordProblemMessage, type PasswordProblem } from '../../src/domain/password-policy';

/** Deterministic "random" text, so length cases are not weakened by patterns. */
function randomText(length: number, alphabet: string[], seed = 7): string {
  let state = seed;
  let out = '';
  for (let i = 0; i < length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out += alphabet[state % alphabet.length];
  }
  return out;
}
const ASCII = [...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_!?'];
const WITH_EMOJI = [...ASCII, ...'🐢🌳🍊🚲🌙⚡🔥💧'];

/** What the registration form passes: NIF, names, email local part, company name. */
const USER = ['12345678Z', 'Eva', 'García Ruiz', 'eva.garcia', 'Panadería Ruiz S.L.'];

describe('checkPassword (DESIGN.md §5)', () => {
  describe('length is counted in code points', () => {
    const emoji11 = '🐢🌳🍊🚲ñÜ7qZx9';
    const long128 = randomText(128, WITH_EMOJI);
    const cases: [string, string, number, PasswordProblem[]][] = [
      // name, password, UTF-16 length (to show it differs), problems
      ['11 code points in 15 UTF-16 units', emoji11, 15, ['too_short']],
      ['12 code points', `${emoji11}!`, 16, []],
      ['11 accented letters', 'àéíòúñçÀÉÍÒ', 11, ['too_short']],
      ['12 accented letters', 'àéíòúñçÀÉÍÒÚ', 12, []],
      ['128 code points', randomText(128, ASCII), 128, []],
      ['129 code points', randomText(129, ASCII), 129, ['too_long']],
      ['128 code points with emoji (more UTF-16 units)', long128, long128.length, []],
      ['empty', '', 0, ['too_short', 'too_weak']],
    ];
    for (const [name, password, utf16, problems] of cases) {
      it(`${name} → [${problems.join(', ')}]`, () => {
        expect(password.length).to.equal(utf16);
        const r = checkPassword(password, { lang: 'es', userInputs: [] });
        expect(r.problems).to.deep.equal(problems);
        expect(r.ok).to.equal(problems.length === 0);
      });
    }
    it('too long and not confirmed: both reported, no analysis', () => {
      const long = randomText(129, ASCII);
      expect(checkPassword(long, { lang: 'es', userInputs: [], confirmation: 'x' })).to.deep.equal({
        ok: false,
        problems: ['too_long', 'mismatch'],
        score: 0,
        suggestions: [],
      });
    });
    it('the emoji case really has more UTF-16 units than 128', () => {
      expect([...long128].length).to.equal(128);
      expect(long128.length).to.be.greaterThan(128);
    });
  });

  describe('guessable and personal passwords', () => {
    const cases: [string, string, PasswordProblem[]][] = [
      ['accented Spanish word for password', 'contraseña123', ['too_common', 'too_weak']],
      ['English', 'password1234', ['too_common', 'too_weak']],
      ['keyboard row', 'qwertyuiop123', ['too_common', 'too_weak']],
      ['Catalan word for password', 'contrasenya2024', ['too_common', 'too_weak']],
      ['contains the NIF', 'mi-dni-es-12345678Z-ok', ['contains_personal_data']],
      ['contains the surname, accented', 'naranjas-de-garcía-en-mayo', ['contains_personal_data']],
      ['contains the surname, unaccented', 'naranjas-de-garcia-en-mayo', ['contains_personal_data']],
      ['short surname as a word', 'ruiz-come-naranjas-bajo-la-lluvia', ['contains_personal_data']],
      ['company name word', 'panaderia-del-barrio-alto', ['contains_personal_data']],
      ['service words in camelCase', 'MiLuzYMiGasSiempreEnCasa', ['contains_personal_data']],
      ['service word in l33t', 'f4ctur4-de-l4-l0mbriz', ['contains_personal_data']],
      ['short words only inside other words are fine ("tarea", "nueva", "vegas")', 'la-tarea-de-la-nueva-vegas', []],
      ['strong passphrase', 'tortuga-lenta-bajo-el-naranjo', []],
      ['passphrase holding a listed word ("dragon") is not "common"', 'dragon-verde-sobre-la-montaña', []],
      ['strong passphrase mostly of listed words ("montana", "dragon") is not "common"', 'tortuga-montana-dragon', []],
    ];
    for (const [name, password, problems] of cases) {
      it(`${name}: ${password} → [${problems.join(', ')}]`, () => {
        expect(checkPassword(password, { lang: 'es', userInputs: USER }).problems).to.deep.equal(problems);
      });
    }

    it('a strong passphrase scores 4 and has no suggestions', () => {
      expect(checkPassword('tortuga-lenta-bajo-el-naranjo', { lang: 'es', userInputs: USER })).to.deep.equal({
        ok: true,
        problems: [],
        score: 4,
        suggestions: [],
      });
    });
  });

  describe('confirmation', () => {
    const cases: [string, string | undefined, PasswordProblem[]][] = [
      ['equal', 'tortuga-lenta-bajo-el-naranjo', []],
      ['different', 'tortuga-lenta-bajo-el-naranja', ['mismatch']],
      ['not given', undefined, []],
    ];
    for (const [name, confirmation, problems] of cases) {
      it(`${name} → [${problems.join(', ')}]`, () => {
        expect(checkPassword('tortuga-lenta-bajo-el-naranjo', { lang: 'es', userInputs: [], confirmation }).problems).to.deep.equal(problems);
      });
    }
  });

  describe('suggestions are translated', () => {
    const cases: ['es' | 'ca', string[]][] = [
      ['es', ['Añade más palabras que sean menos comunes.']],
      ['ca', ['Afegeix més paraules que siguin menys comunes.']],
    ];
    for (const [lang, suggestions] of cases) {
      it(lang, () => {
        const r = checkPassword('password1234', { lang, userInputs: [] });
        expect([r.score, r.suggestions]).to.deep.equal([1, suggestions]);
      });
    }
  });
});

describe('passwordProblemMessage', () => {
  const cases: [PasswordProblem, string, string][] = [
    ['too_short', 'La contraseña debe tener al menos 12 caracteres.', 'La contrasenya ha de tenir com a mínim 12 caràcters.'],
    ['too_long', 'La contraseña no puede tener más de 128 caracteres.', 'La contrasenya no pot tenir més de 128 caràcters.'],
    [
      'too_common',
      'Esta contraseña es demasiado común. Elige otra que no sea fácil de adivinar.',
      "Aquesta contrasenya és massa comuna. Tria'n una altra que no sigui fàcil d'endevinar.",
    ],
    [
      'contains_personal_data',
      'La contraseña no puede contener tu NIF, tu nombre, tu email ni palabras de este servicio.',
      "La contrasenya no pot contenir el teu NIF, el teu nom, la teva adreça electrònica ni paraules d'aquest servei.",
    ],
    [
      'too_weak',
      'La contraseña es fácil de adivinar. Prueba con una frase de varias palabras.',
      "La contrasenya és fàcil d'endevinar. Prova amb una frase de diverses paraules.",
    ],
    ['mismatch', 'Las contraseñas no coinciden.', 'Les contrasenyes no coincideixen.'],
  ];
  for (const [problem, es, ca] of cases) {
    it(`${problem} in Spanish and Catalan`, () => {
      expect(passwordProblemMessage(problem, 'es')).to.equal(es);
      expect(passwordProblemMessage(problem, 'ca')).to.equal(ca);
    });
  }
});
