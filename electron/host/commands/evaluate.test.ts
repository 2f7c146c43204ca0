import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuiltCli, runBuiltCli } from '../cli.test-helpers'
import { makeImage, makeImageFolder } from '../../store/data.test-helpers'

// These tests run the built CLI exactly as a user does (`npm run build` first; `npm test` does it).

let dir: string
beforeAll(() => {
  requireBuiltCli()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-evaluate-cli-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const strata = (args: string[]) => runBuiltCli(dir, args)

/** Creates a project, imports `source`, saves a model from a template and trains it; returns the JSON of each step. */
async function trained(name: string, importArgs: string[], modelArgs: string[], epochs: number): Promise<void> {
  expect((await strata(['new', name])).code).toBe(0)
  const imported = await strata(['import', name, ...importArgs, '--json'])
  expect(imported.code, imported.stdout + imported.stderr).toBe(0)
  const { datasetId } = JSON.parse(imported.stdout)
  const model = await strata(['model', name, ...modelArgs, '--json'])
  expect(model.code, model.stdout + model.stderr).toBe(0)
  const { modelId } = JSON.parse(model.stdout)
  const train = await strata(['train', name, '--dataset', datasetId, '--model', modelId, '--epochs', String(epochs), '--lr', '0.01', '--json'])
  expect(train.code, train.stdout + train.stderr).toBe(0)
}

describe('strata evaluate and predict', () => {
  it('a table run: evaluate prints metrics and the confusion matrix; predict takes a JSON row or a JSON file', async () => {
    const rows = ['tenure,plan,calls,churned']
    for (let i = 0; i < 300; i++) {
      const tenure = (i * 37) % 60
      const calls = (i * 11) % 8
      rows.push(`${tenure},${['basic', 'plus', 'pro'][i % 3]},${calls},${tenure < 15 && calls > 2 ? 'yes' : 'no'}`)
    }
    fs.writeFileSync(path.join(dir, 'churn.csv'), rows.join('\n'))
    await trained('Churn', ['churn.csv', '--target', 'churned'], ['--template', 'tabular-classifier', '--input', '3', '--classes', '2'], 3)

    const json = await strata(['evaluate', 'Churn', '--run', '1', '--json'])
    expect(json.code, json.stdout + json.stderr).toBe(0)
    const evaluation = JSON.parse(json.stdout)
    expect(evaluation).toMatchObject({ runId: 1, split: 'test', stale: false })
    expect(evaluation.report.classes).toEqual(['no', 'yes'])
    expect(evaluation.report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(evaluation.itemCount)

    const text = await strata(['evaluate', 'Churn', '--run', '1', '--split', 'validation'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toContain('validation split')
    expect(text.stdout).toMatch(/Accuracy: \d+\.\d%/)
    expect(text.stdout).toContain('Confusion matrix (rows: actual, columns: predicted):')

    const row = await strata(['predict', 'Churn', '--run', '1', '--input', '{"tenure": 3, "plan": "basic", "calls": 6}', '--json'])
    expect(row.code, row.stdout + row.stderr).toBe(0)
    const { prediction } = JSON.parse(row.stdout)
    expect(['no', 'yes']).toContain(prediction.label)
    expect(prediction.probabilities.no + prediction.probabilities.yes).toBeCloseTo(1, 5)

    fs.writeFileSync(path.join(dir, 'row.json'), JSON.stringify({ tenure: 50, plan: 'pro', calls: 0 }))
    const fromFile = await strata(['predict', 'Churn', '--run', '1', '--input', 'row.json'])
    expect(fromFile.code, fromFile.stderr).toBe(0)
    expect(fromFile.stdout).toMatch(/^Prediction: (no|yes) \(\d+\.\d%\)/)

    const missing = await strata(['predict', 'Churn', '--run', '7', '--input', '{}', '--json'])
    expect(missing.code).not.toBe(0)
    expect(JSON.parse(missing.stdout).error.code).toBe('NOT_FOUND')
  })

  it('an image run predicts an image file; a text run predicts typed text', async () => {
    await makeImageFolder(path.join(dir, 'shapes'), { circles: 6, squares: 6 }, ['png'])
    await trained('Shapes', ['shapes'], ['--template', 'mnist-mlp', '--input', '16x16x3', '--classes', '2'], 1)
    fs.writeFileSync(path.join(dir, 'probe.png'), await makeImage('png', { seed: 3 }))
    const image = await strata(['predict', 'Shapes', '--run', '1', '--input', 'probe.png', '--json'])
    expect(image.code, image.stdout + image.stderr).toBe(0)
    expect(Object.keys(JSON.parse(image.stdout).prediction.probabilities).sort()).toEqual(['circles', 'squares'])

    const reviews = ['review,label']
    for (let i = 0; i < 60; i++) reviews.push(i % 2 ? `"great lovely product ${i}",good` : `"awful broken waste ${i}",bad`)
    fs.writeFileSync(path.join(dir, 'reviews.csv'), reviews.join('\n'))
    await trained('Reviews', ['reviews.csv', '--kind', 'text', '--text-column', 'review', '--target', 'label'], ['--template', 'text-embedding', '--input', '12', '--classes', '2'], 2)
    const text = await strata(['predict', 'Reviews', '--run', '1', '--input', 'what a lovely product', '--json'])
    expect(text.code, text.stdout + text.stderr).toBe(0)
    expect(Object.keys(JSON.parse(text.stdout).prediction.probabilities).sort()).toEqual(['bad', 'good'])
  })
})
