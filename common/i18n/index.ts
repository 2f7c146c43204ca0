import { en, type Messages } from './en'
import { zhCN } from './zh-CN'

/** Languages Strata speaks, each with a complete message table. */
export const MESSAGES = { en, 'zh-CN': zhCN } satisfies Record<string, Messages>

/** A supported language tag. */
export type Locale = keyof typeof MESSAGES

/** Supported languages, in menu order. */
export const LOCALES = Object.keys(MESSAGES) as Locale[]

/** Picks the supported locale closest to a system language tag such as `zh_CN.UTF-8` or `en-GB`. */
export function matchLocale(tag: string | undefined | null): Locale {
  const t = (tag ?? '').toLowerCase()
  return t.startsWith('zh') ? 'zh-CN' : 'en'
}

/** Looks up a dotted key (`errors.NOT_FOUND`) and fills `{name}` placeholders; unknown keys come back as the key. */
export function translate(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  let node: unknown = MESSAGES[locale]
  for (const part of key.split('.')) {
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined
  }
  if (typeof node !== 'string') return key
  return node.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export type { Messages }
