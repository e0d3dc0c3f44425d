export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

function toLocale(value: string | null | undefined): Locale | null {
  const primary = value?.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((locale) => locale === primary) ?? null;
}

/** The `lang` URL parameter if it names a language we have, else the browser's language, else English. */
export function detectLocale(search: string, languages: readonly string[]): Locale {
  const fromUrl = toLocale(new URLSearchParams(search).get('lang'));
  if (fromUrl) return fromUrl;
  for (const language of languages) {
    const locale = toLocale(language);
    if (locale) return locale;
  }
  return 'en';
}
