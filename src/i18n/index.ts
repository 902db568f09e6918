import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';
import { kept } from '../domain/kept';

export const LANGUAGES = ['es', 'ca'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'es';

const dir = path.dirname(fileURLToPath(import.meta.url));

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (t && v && typeof t === 'object' && typeof v === 'object' && !Array.isArray(t) && !Array.isArray(v)) {
      deepMerge(t as Record<string, unknown>, v as Record<string, unknown>);
    } else {
      target[k] = v;
    }
  }
}

/** Each area keeps its own file (es/auth.json, ca/auth.json…); all are merged into one namespace. */
function loadResources(lang: Language): Record<string, unknown> {
  const folder = path.join(dir, lang);
  const merged: Record<string, unknown> = {};
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    deepMerge(merged, JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>);
  }
  return merged;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  showSupportNotice: false,
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  interpolation: { escapeValue: false }, // Eta escapes on output
  returnNull: false,
  resources: Object.fromEntries(LANGUAGES.map((l) => [l, { translation: loadResources(l) }])),
});

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

const translators = new Map<Language, TFunction>();

// options that change how i18next picks or builds the text: such calls always go to i18next
const I18NEXT_OPTIONS = new Set([
  'count', 'context', 'returnObjects', 'returnDetails', 'defaultValue', 'lng', 'lngs', 'ns', 'ordinal',
  'replace', 'interpolation', 'joinArrays', 'postProcess', 'keySeparator', 'nsSeparator', 'fallbackLng',
  'skipInterpolation',
]);
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const SIMPLE_NAME = /^\s*[A-Za-z_][A-Za-z0-9_]*\s*$/;

const RESOLVED_MAX = 5000;

/** A key for a call whose options are a few strings and numbers (no objects, no returnObjects). */
function memoKey(key: string, options: Record<string, unknown>): string | undefined {
  let out = key;
  let n = 0;
  for (const k in options) {
    const v = options[k];
    const primitive = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (!primitive || k === 'returnObjects' || ++n > 4) return undefined;
    out += `\u0000${k}\u0000${typeof v}\u0000${String(v)}`;
  }
  return out;
}

function isOnlyReturnObjects(options: Record<string, unknown>): boolean {
  const keys = Object.keys(options);
  return keys.length === 1 && keys[0] === 'returnObjects' && options.returnObjects === true;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** The text with its `{{name}}` placeholders filled, or undefined when i18next must do it. */
function interpolate(raw: string, options: Record<string, unknown>): string | undefined {
  for (const k in options) if (I18NEXT_OPTIONS.has(k)) return undefined;
  let simple = true;
  const out = raw.replace(PLACEHOLDER, (whole, name: string) => {
    const v = SIMPLE_NAME.test(name) ? options[name.trim()] : undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    simple = false;
    return whole;
  });
  return simple && !out.includes('$t(') ? out : undefined;
}

/**
 * The language's translation function, one per language for the life of the process. A key
 * asked for without options (most of every page) is looked up in i18next once and then kept;
 * a text whose only options are `{{name}}` values is filled here from the stored text. The
 * resources never change after start-up, and i18next's own lookup and interpolation was the
 * largest single CPU cost of rendering a page. Anything else (plurals, context, objects, a
 * missing key or value, nesting) goes to i18next as before.
 */
export function translator(lang: Language): TFunction {
  let t = translators.get(lang);
  if (!t) {
    const fixed = instance.getFixedT(lang) as unknown as (...args: unknown[]) => unknown;
    const plain = new Map<string, string>();
    const raws = new Map<string, string | null>();
    // lists asked for whole (`returnObjects`), such as the home page's features: built once, frozen
    const objects = new Map<string, unknown>();
    const resolved = new Map<string, unknown>();
    t = ((key: unknown, ...rest: unknown[]) => {
      if (typeof key !== 'string') return fixed(key, ...rest);
      if (rest.length === 0) {
        const known = plain.get(key);
        if (known !== undefined) return known;
        const value = fixed(key);
        if (typeof value === 'string') plain.set(key, value);
        return value;
      }
      const options = rest[0];
      const plainObject = options && typeof options === 'object' && Object.getPrototypeOf(options) === Object.prototype;
      if (rest.length === 1 && plainObject && isOnlyReturnObjects(options as Record<string, unknown>)) {
        let kept = objects.get(key);
        if (kept === undefined) {
          kept = deepFreeze(fixed(key, options));
          objects.set(key, kept);
        }
        return kept;
      }
      if (rest.length === 1 && plainObject) {
        let raw = raws.get(key);
        if (raw === undefined) {
          const r: unknown = instance.getResource(lang, 'translation', key);
          raw = typeof r === 'string' ? r : null;
          raws.set(key, raw);
        }
        const filled = raw === null ? undefined : interpolate(raw, options as Record<string, unknown>);
        if (filled !== undefined) return filled;
        // plurals and the like ({ count: 15 }): i18next once per key and values, then kept
        const memo = memoKey(key, options as Record<string, unknown>);
        if (memo !== undefined) return kept(resolved, memo, RESOLVED_MAX, () => fixed(key, options));
      }
      return fixed(key, ...rest);
    }) as unknown as TFunction;
    translators.set(lang, t);
  }
  return t;
}

export function hasKey(key: string, lang: Language = DEFAULT_LANGUAGE): boolean {
  return instance.exists(key, { lng: lang });
}

/** Picks the first supported language of an Accept-Language header. */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', q] = part.trim().split(';q=');
      return { tag: tag.toLowerCase().slice(0, 2), q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  return ranked.find((r) => isLanguage(r.tag))?.tag as Language | undefined ?? DEFAULT_LANGUAGE;
}

/** i18next's own translation function, without the memo above (for the tests that compare). */
export function i18nextTranslator(lang: Language): TFunction {
  return instance.getFixedT(lang);
}

/** Every translation key of a language whose value is a text (for tests). */
export function textKeys(lang: Language): string[] {
  const out: string[] = [];
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string') out.push(prefix + k);
      else if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  walk(instance.getResourceBundle(lang, 'translation') as Record<string, unknown>, '');
  return out;
}
