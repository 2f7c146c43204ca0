import { createI18n } from 'vue-i18n'
import { MESSAGES, matchLocale, type Locale } from '../../common/i18n'
import type { Messages } from '../../common/i18n/en'

const STORAGE_KEY = 'strata.locale'

/** The language chosen in the app, else the system's. */
export function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY)
  return matchLocale(saved ?? navigator.language)
}

/** Remembers the user's language choice. */
export function saveLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale)
}

/** The studio's vue-i18n instance, fed from the shared message table. */
export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: MESSAGES
})
