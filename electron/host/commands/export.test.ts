import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuiltCli, runBuiltCli } from '../cli.test-helpers'

// Runs the built CLI as a user does (`npx electron-vite build` first).

let dir: string

const strata = (args: string[]) => runBuiltCli(dir, args)

beforeAll(async () => {
  requireBuiltCli()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-export-'))
  await strata(['new', 'Churn'])
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 200; i++) rows.push(`${(i * 37) % 60},${['basic', 'plus', 'pro'][i % 3]},${(i * 11) % 8},${(i * 37) % 60 < 15 ? 'yes' : 'no'}`)
  fs.writeFileSync(path.join(dir, 'churn.csv'), rows.join('\n'))
  const { datasetId } = JSON.parse((await strata(['import', 'Churn', 'churn.csv', '--target', 'churned', '--json'])).stdout)
  const { modelId } = JSON.parse((await strata(['model', 'Churn', '--template', 'tabular-classifier', '--input', '3', '--classes', '2', '--json'])).stdout)
  const trained = await strata(['train', 'Churn', '--dataset', datasetId, '--model', modelId, '--epochs', '2', '--json'])
  expect(trained.code, trained.stderr).toBe(0)
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('strata export', () => {
  it('--format onnx,tfjs --out DIR --json: one JSON document with each export verified, copied to DIR', async () => {
    const result = await strata(['export', 'Churn', '--run', '1', '--format', 'onnx,tfjs', '--out', 'exported', '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    const report = JSON.parse(result.stdout)
    expect(report.runId).toBe(1)
    expect(report.exports.map((e: { format: string }) => e.format)).toEqual(['onnx', 'tfjs'])
    for (const e of report.exports) {
      expect(e).toMatchObject({ verified: true, status: 'verified' })
      expect(e.maxDiff).toBeLessThanOrEqual(1e-4)
      expect(e.path).toBe(path.join(dir, 'exported', `run-1-${e.format}`))
    }
    expect(fs.existsSync(path.join(dir, 'exported', 'run-1-onnx', 'model.onnx'))).toBe(true)
    expect(fs.existsSync(path.join(dir, 'exported', 'run-1-tfjs', 'preprocessing.json'))).toBe(true)
  })

  it('human output says verified with the difference; a bad --format is refused plainly', async () => {
    const human = await strata(['export', 'Churn', '--run', '1', '--format', 'keras'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Keras \(Python\): verified → .*exports[/\\]keras/)
    const bad = await strata(['export', 'Churn', '--run', '1', '--format', 'pickle'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toContain('--format must be tfjs, onnx, keras, card, web or all')
    const tf = await strata(['export', 'Churn', '--run', '1', '--format', 'tfjs'])
    expect(tf.stdout).toMatch(/TensorFlow\.js: verified \(largest difference \d\.\d\de[-+]\d+\) → /)
  })
})
