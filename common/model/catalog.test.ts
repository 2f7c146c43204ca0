import { describe, expect, it } from 'vitest'
import { MESSAGES, translate } from '../i18n'
import { CATALOG, CATEGORIES, LAYER_TYPES, checkParam, defaultParams, parseShape } from './catalog'
import { PROBLEM_CODES } from './infer'
import { TEMPLATE_IDS } from './templates'

const locales = Object.keys(MESSAGES) as Array<keyof typeof MESSAGES>
const has = (locale: keyof typeof MESSAGES, key: string) => translate(locale, key) !== key

describe('every catalog text exists in every language', () => {
  for (const locale of locales) {
    it(`locale=${locale}`, () => {
      const missing: string[] = []
      for (const type of LAYER_TYPES) {
        if (!has(locale, `build.layers.${type}`)) missing.push(`build.layers.${type}`)
        for (const param of Object.keys(CATALOG[type].params)) if (!has(locale, `build.params.${param}`)) missing.push(`build.params.${param}`)
      }
      for (const c of CATEGORIES) if (!has(locale, `build.categories.${c}`)) missing.push(c)
      for (const code of PROBLEM_CODES) if (!has(locale, `build.problems.${code}`)) missing.push(code)
      for (const id of TEMPLATE_IDS) if (!has(locale, `build.templates.${id}.name`) || !has(locale, `build.templates.${id}.about`)) missing.push(id)
      expect(missing).toEqual([])
    })
  }
})

describe('catalog defaults are valid values', () => {
  for (const type of LAYER_TYPES) {
    it(`type=${type}`, () => {
      const params = defaultParams(type)
      for (const [name, def] of Object.entries(CATALOG[type].params)) expect(checkParam(def, params[name]), name).toBeNull()
    })
  }
})

describe('shapes typed by people', () => {
  it.each([
    ['28x28x1', [28, 28, 1]],
    ['28×28×1', [28, 28, 1]],
    ['784', [784]],
    [' 10, 4 ', [10, 4]],
    ['0x3', null],
    ['abc', null]
  ] as const)('%s', (text, shape) => {
    expect(parseShape(text)).toEqual(shape)
  })
})
