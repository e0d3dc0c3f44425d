import { createI18n } from 'vue-i18n';
import type { Locale } from '../shared/lang';
import { en, type MessageSchema } from './en';
import { fr } from './fr';

export const messages: Record<Locale, MessageSchema> = { en, fr };

export function createAppI18n(locale: Locale) {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: 'en',
    messages,
    missingWarn: false,
    fallbackWarn: false,
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;
