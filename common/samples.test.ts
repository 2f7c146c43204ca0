import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { LOCALES, translate } from './i18n'
import { isTemplateId } from './model/templates'
import { SAMPLES } from './samples'

describe('sample projects', () => {
  for (const sample of SAMPLES) {
    it(`sample=${sample.id}: named and described in every language, a known template, its data shipped`, () => {
      for (const locale of LOCALES) {
        for (const key of ['name', 'description']) expect(translate(locale, `samples.${sample.id}.${key}`)).not.toBe(`samples.${sample.id}.${key}`)
      }
      expect(isTemplateId(sample.template)).toBe(true)
      const shipped = (name: string) => fs.existsSync(path.resolve(__dirname, '..', 'resources', 'samples', name))
      if (sample.data.source === 'csv') expect(shipped(sample.data.file)).toBe(true)
      if (sample.data.source === 'images') expect(shipped(sample.data.folder)).toBe(true)
      if (sample.base) expect(shipped(`${sample.base}/model.json`)).toBe(true)
    })
  }
})
