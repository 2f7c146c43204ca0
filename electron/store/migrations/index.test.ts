import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Migration } from './migration'
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index'

describe('numbered migrations', () => {
  it('lists every numbered file once, in order, each holding the migration of its number', async () => {
    const files = fs.readdirSync(__dirname).filter((f) => /^\d{3}-.+\.ts$/.test(f) && !f.endsWith('.test.ts')).sort()
    expect(files.length).toBe(MIGRATIONS.length)
    for (const [i, file] of files.entries()) {
      const { migration } = (await import(`./${file}`)) as { migration: Migration }
      expect(migration.version).toBe(Number(file.slice(0, 3)))
      expect(migration.version).toBe(i + 1)
      expect(MIGRATIONS[i]).toBe(migration)
    }
    expect(LATEST_SCHEMA_VERSION).toBe(files.length)
  })
})
