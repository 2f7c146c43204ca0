import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from '../errors'
import { LOCALES, MESSAGES, matchLocale, translate } from './index'

function leaves(node: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of leaves(value, path)) out.set(k, v)
  }
  return out
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('message table', () => {
  const english = leaves(MESSAGES.en)
  for (const locale of LOCALES) {
    it(`locale=${locale}: every English key is present, non-empty, with the same placeholders`, () => {
      const messages = leaves(MESSAGES[locale])
      expect([...messages.keys()].sort()).toEqual([...english.keys()].sort())
      for (const [key, text] of english) {
        expect(messages.get(key), key).toBeTruthy()
        expect(placeholders(messages.get(key)!), key).toEqual(placeholders(text))
      }
    })
    // The renderer compiles messages with vue-i18n, where | separates plural forms and @ links messages.
    // CLI messages never reach vue-i18n, so their usage lines may show `a|b` choices.
    it(`locale=${locale}: no vue-i18n special characters in messages the renderer shows`, () => {
      for (const [key, text] of leaves(MESSAGES[locale])) if (!key.startsWith('cli.')) expect(text, key).not.toMatch(/[|@]/)
    })
  }

  it('every error code has a message', () => {
    for (const code of ERROR_CODES) expect(translate('en', `errors.${code}`)).not.toBe(`errors.${code}`)
  })

  it('fills placeholders and picks the locale from system tags', () => {
    expect(translate('zh-CN', 'home.created', { name: '瑕疵' })).toBe('已创建 瑕疵。')
    expect(matchLocale('zh_CN.UTF-8')).toBe('zh-CN')
    expect(matchLocale('en-GB')).toBe('en')
    expect(matchLocale(undefined)).toBe('en')
  })
})
