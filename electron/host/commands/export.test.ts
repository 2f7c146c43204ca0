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

  it('--out where no folder can be made (/proc/x) fails at once with a plain message, before exporting anything', async () => {
    const started = Date.now()
    const result = await runBuiltCli(dir, ['export', 'Churn', '--run', '1', '--format', 'card', '--out', '/proc/x'], {}, 30_000)
    expect(result.timedOut).toBeUndefined()
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('Exports cannot be written into /proc/x')
    expect(fs.existsSync(path.join(dir, 'Churn.strata', 'runs', '1', 'exports', 'card'))).toBe(false)
  })

  it('--out naming an existing file is refused plainly (not INTERNAL)', async () => {
    fs.writeFileSync(path.join(dir, 'a-file.txt'), 'mine')
    const result = await runBuiltCli(dir, ['export', 'Churn', '--run', '1', '--format', 'card', '--out', 'a-file.txt', '--json'], {}, 30_000)
    expect(result.code).not.toBe(0)
    expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'EXPORT_OUT_NOT_FOLDER', message: expect.stringContaining('is a file, not a folder') })
    expect(fs.readFileSync(path.join(dir, 'a-file.txt'), 'utf8')).toBe('mine')
  })

  it('an existing folder of the same name is kept: the export is written beside it', async () => {
    const mine = path.join(dir, 'mine', 'run-1-onnx')
    fs.mkdirSync(mine, { recursive: true })
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'my own notes')
    const result = await strata(['export', 'Churn', '--run', '1', '--format', 'onnx', '--out', 'mine', '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).exports[0].path).toBe(path.join(dir, 'mine', 'run-1-onnx (2)'))
    expect(fs.readFileSync(path.join(mine, 'notes.txt'), 'utf8')).toBe('my own notes')
    expect(fs.existsSync(path.join(dir, 'mine', 'run-1-onnx (2)', 'model.onnx'))).toBe(true)
  })
})
