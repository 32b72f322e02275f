/**
 * The message catalog. English is bundled; the other languages load on demand (one small chunk each).
 * The language is `?lang=`, else the first of the browser's languages we have, else English. Missing keys
 * fall back to English, so a new key never shows as a raw key.
 */
import { en, type Messages } from './locales/en.ts';

export type MessageKey = keyof Messages;

/** Language code → its own name (shown in the language menu) and writing direction. */
export const LANGUAGES: Record<string, { name: string; rtl?: boolean }> = {
  en: { name: 'English' },
  es: { name: 'Español' },
  fr: { name: 'Français' },
  de: { name: 'Deutsch' },
  it: { name: 'Italiano' },
  pt: { name: 'Português' },
  nl: { name: 'Nederlands' },
  pl: { name: 'Polski' },
  tr: { name: 'Türkçe' },
  ru: { name: 'Русский' },
  uk: { name: 'Українська' },
  ar: { name: 'العربية', rtl: true },
  zh: { name: '中文' },
  ja: { name: '日本語' },
};

const loaders = import.meta.glob<{ default: Partial<Messages> }>(['./locales/*.ts', '!./locales/en.ts']);

export function pickLanguage(query: string | null, browser: readonly string[]): string {
  const candidates = [query ?? '', ...browser];
  for (const candidate of candidates) {
    const base = candidate.toLowerCase().split(/[-_]/)[0] ?? '';
    if (base in LANGUAGES) return base;
  }
  return 'en';
}

export interface I18n {
  lang: string;
  rtl: boolean;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  /** A correction code's hint; `null` when the catalog has none (the server's message is shown then). */
  hint: (code: string) => string | null;
}

export async function loadI18n(lang: string): Promise<I18n> {
  let messages: Partial<Messages> = {};
  if (lang !== 'en') {
    const loader = loaders[`./locales/${lang}.ts`];
    if (loader) messages = (await loader()).default;
  }
  const lookup = (key: string): string | undefined =>
    (messages as Record<string, string>)[key] ?? (en as Record<string, string>)[key];
  const format = (text: string, params: Record<string, string | number> = {}) =>
    text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  return {
    lang,
    rtl: LANGUAGES[lang]?.rtl ?? false,
    t: (key, params) => format(lookup(key) ?? key, params),
    hint: (code) => {
      const text = lookup(`c.${code}`);
      return text === undefined ? null : text;
    },
  };
}
