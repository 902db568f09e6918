import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type TFunction } from 'i18next';

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

export function translator(lang: Language): TFunction {
  return instance.getFixedT(lang);
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
