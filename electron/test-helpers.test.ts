import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '..')
/** Folders whose code the build bundles (electron-vite's main, preload and renderer inputs import only from these). */
const BUILT = ['common', 'electron', 'renderer/src']
/** Code that only tests, e2e tests and benchmarks run: it may import test helpers. */
const TEST_ONLY = /\.(test|test-helpers|e2e)\.ts$/

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const at = path.join(dir, entry.name)
    if (entry.isDirectory()) return sources(at)
    return /\.(ts|vue)$/.test(entry.name) ? [at] : []
  })
}

describe('test helpers', () => {
  it('are named *.test-helpers.ts, so that no code the build bundles imports one', () => {
    const built = BUILT.flatMap((dir) => sources(path.join(ROOT, dir))).filter((file) => !TEST_ONLY.test(file))
    expect(built.length).toBeGreaterThan(100)
    const offenders = built.filter((file) => /from\s+['"][^'"]+\.test(-helpers)?['"]|import\(\s*['"][^'"]+\.test(-helpers)?['"]/.test(fs.readFileSync(file, 'utf8')))
    expect(offenders.map((file) => path.relative(ROOT, file))).toEqual([])
  })
})
