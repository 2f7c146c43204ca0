import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openProject } from '../store/project-folder'
import { runConfig } from '../store/runs'
import { requireBuiltCli, runBuiltCli } from './cli.test-helpers'

// Every choice of the Data and Build screens from the command line, run as a user runs it (`npm run build` first).
const ROOT = path.resolve(__dirname, '../..')
let dir: string
beforeAll(() => {
  requireBuiltCli()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-choices-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const strata = async (...args: string[]) => {
  const r = await runBuiltCli(dir, args)
  if (r.code !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return r
}
const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> => JSON.parse((await strata(...args, '--json')).stdout.trim().split('\n').at(-1)!) as T

interface Column {
  name: string
  type: string
  excluded: boolean
  missing: number
  missingTokens: string[]
}

/** Penguins-shaped rows: sex has "." and empty cells; 3 rows have no species. */
function penguins(): string {
  const rows = ['species,island,bill_length_mm,flipper_length_mm,sex']
  for (let i = 0; i < 90; i++) {
    const species = i % 30 === 4 ? '' : ['Adelie', 'Gentoo', 'Chinstrap'][i % 3]
    rows.push([species, ['Biscoe', 'Dream', 'Torgersen'][(i * 7) % 3], (38 + (i % 3) * 5 + (i % 5) * 0.4).toFixed(1), 180 + (i % 3) * 15 + (i % 7), i === 7 ? '.' : i % 2 ? 'MALE' : 'FEMALE'].join(','))
  }
  return rows.join('\n') + '\n'
}

describe('choices from the command line', () => {
  let datasetId: string

  it('import takes column types, exclusions and missing spellings; a re-import with other choices says how it differs', async () => {
    await strata('new', 'Birds')
    const file = path.join(dir, 'penguins.csv')
    fs.writeFileSync(file, penguins())
    const first = await json<{ datasetId: string; columns: Column[]; unlabelled: number }>(
      'import',
      'Birds',
      file,
      '--target',
      'species',
      '--types',
      'flipper_length_mm=categorical',
      '--exclude',
      'island',
      '--missing',
      'sex=|na'
    )
    datasetId = first.datasetId
    const byName = Object.fromEntries(first.columns.map((c) => [c.name, c]))
    expect(byName.flipper_length_mm.type).toBe('categorical')
    expect(byName.island.excluded).toBe(true)
    expect(byName.sex).toMatchObject({ missingTokens: ['', 'na'], missing: 0 })
    expect(first.unlabelled).toBe(3)

    const again = await json<{ duplicateOf: string | null; variantOf: { datasetId: string; differences: Array<{ choice: string; from: string; to: string }> } }>(
      'import',
      'Birds',
      file,
      '--target',
      'island'
    )
    expect(again.duplicateOf).toBeNull()
    expect(again.variantOf.datasetId).toBe(datasetId)
    expect(again.variantOf.differences).toEqual(expect.arrayContaining([{ choice: 'target', from: 'species', to: 'island' }]))
    const text = await strata('import', 'Birds', file, '--target', 'sex')
    expect(text.stdout).toMatch(/differs in:\n {2}target: island → sex\n/)
    // Per-column choices are named with their column, in words.
    const excluded = await strata('import', 'Birds', file, '--target', 'sex', '--exclude', 'bill_length_mm')
    expect(excluded.stdout).toMatch(/ {2}bill_length_mm: used → not used\n/)
  })

  it('columns changes the target, types, exclusions and missing spellings through the contract', async () => {
    const after = await json<{ target: string; columns: Column[] }>(
      'columns',
      'Birds',
      '--dataset',
      datasetId,
      '--types',
      'flipper_length_mm=numeric',
      '--include',
      'island',
      '--missing',
      'sex=default'
    )
    const byName = Object.fromEntries(after.columns.map((c) => [c.name, c]))
    expect(byName.flipper_length_mm.type).toBe('numeric')
    expect(byName.island.excluded).toBe(false)
    expect(byName.sex.missing).toBe(1)
    const human = await strata('columns', 'Birds', '--dataset', datasetId)
    expect(human.stdout).toMatch(/bill_length_mm: numeric \(detected: numbers with decimals\)/)
  })

  it('health lists the rows without a value to predict, and --fix drop-unlabelled removes them', async () => {
    const report = await json<{ warnings: Array<{ key: string; message: string }> }>('health', 'Birds', '--dataset', datasetId)
    expect(report.warnings.find((w) => w.key === 'targetMissing')?.message).toMatch(/^3 rows have no value in the column to predict \("species"\)/)
    const fixed = await json<{ removed: number; warnings: Array<{ key: string }> }>('health', 'Birds', '--dataset', datasetId, '--fix', 'drop-unlabelled')
    expect(fixed.removed).toBe(3)
    expect(fixed.warnings.map((w) => w.key)).not.toContain('targetMissing')
  })

  it('model --dataset shows a head that cannot learn the target; train --class-weights balanced is recorded with the run', async () => {
    const regressor = await json<{ modelId: string; problems: Array<{ code: string; message: string }> }>('model', 'Birds', '--template', 'tabular-regressor', '--input', '6', '--dataset', datasetId)
    expect(regressor.problems.find((p) => p.code === 'taskMismatch')?.message).toMatch(/asks for classification/)
    const refused = await runBuiltCli(dir, ['train', 'Birds', '--dataset', datasetId, '--model', regressor.modelId, '--epochs', '1', '--json'])
    expect(refused.code).not.toBe(0)
    expect(JSON.parse(refused.stdout).error.code).toBe('MODEL_TASK_MISMATCH')

    const classifier = await json<{ modelId: string; problems: unknown[]; layers: Array<{ type: string; outputShape: number[] }> }>('model', 'Birds', '--template', 'tabular-classifier', '--dataset', datasetId)
    expect(classifier.problems).toEqual([])
    // island (3 categories) + bill + flipper + sex (2 categories: "." is missing)
    expect(classifier.layers[0].outputShape).toEqual([7])
    const run = await json<{ runId: number; status: string }>('train', 'Birds', '--dataset', datasetId, '--model', classifier.modelId, '--epochs', '1', '--class-weights', 'balanced')
    expect(run.status).toBe('completed')
    const project = openProject(path.join(dir, 'Birds.strata'))
    try {
      expect(runConfig(project.db, run.runId).classWeights).toBe('balanced')
    } finally {
      project.close()
    }
  }, 120_000)

  it('model --base puts the chosen pretrained base in the template, at its input shape', async () => {
    const { base } = await json<{ base: { id: string; inputShape: number[] } }>('import-base', 'Birds', path.join(ROOT, 'resources', 'samples', 'shapes-base'))
    const model = await json<{ problems: Array<{ code: string }>; layers: Array<{ type: string; outputShape: number[] | null }> }>('model', 'Birds', '--template', 'pretrained-image', '--classes', '3', '--base', base.id)
    expect(model.problems.map((p) => p.code)).not.toContain('baseMissing')
    expect(model.layers[0].outputShape).toEqual(base.inputShape)
    expect(model.layers.find((l) => l.type === 'PretrainedBase')?.outputShape).not.toBeNull()
    const unknown = await runBuiltCli(dir, ['model', 'Birds', '--template', 'pretrained-image', '--base', 'nope', '--json'])
    expect(JSON.parse(unknown.stdout).error.code).toBe('BASE_NOT_FOUND')
  })
})
