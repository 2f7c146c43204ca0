import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { socketProtocols } from '../../common/security'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainConfig } from '../../common/contract/training'
import { emptySpec } from '../../common/model/spec'
import { ModelStore } from '../store/model-store'
import { createProject } from '../store/project-folder'
import { createRun, setRunStatus } from '../store/runs'
import { requireBuiltCli, runBuiltCli } from './cli.test-helpers'

// These tests run the built CLI exactly as a user does (`npm run build` first; `npm test` does it).
const ROOT = path.resolve(__dirname, '../..')
const BIN = path.join(ROOT, 'bin', 'strata.js')

let dir: string
beforeAll(() => {
  requireBuiltCli()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const strata = (args: string[], env: Record<string, string> = {}) => runBuiltCli(dir, args, env)

describe('strata CLI', () => {
  it('new + info --json: the project and the backend report (wasm or cpu available, native ones explained)', async () => {
    const created = await strata(['new', 'Shop', '--json'])
    expect(created.code).toBe(0)
    const { project } = JSON.parse(created.stdout)
    expect(project).toMatchObject({ name: 'Shop', path: path.join(dir, 'Shop.strata'), schemaVersion: expect.any(Number) })

    const info = await strata(['info', 'Shop', '--json'])
    expect(info.code).toBe(0)
    const report = JSON.parse(info.stdout)
    expect(report.project.name).toBe('Shop')
    const ids = report.backends.backends.map((b: { id: string }) => b.id)
    expect(ids).toEqual(['node-gpu', 'node', 'wasm', 'cpu'])
    const usable = report.backends.backends.filter((b: { available: boolean }) => b.available).map((b: { id: string }) => b.id)
    expect(usable).toContain('cpu')
    expect(report.backends.chosen).toBe(usable[0])
    for (const b of report.backends.backends.filter((x: { available: boolean }) => !x.available)) {
      expect(b.reason.key, `${b.id} must say why it is unavailable`).toMatch(/\w+/)
    }
  })

  it('human output names the backend Strata will train on', async () => {
    const info = await strata(['info'])
    expect(info.code).toBe(0)
    expect(info.stdout).toMatch(/Strata will train on: (NVIDIA GPU|Native CPU|WebAssembly CPU|Plain JavaScript CPU)/)
  })

  it('failures exit non-zero with one plain line, or a JSON error with --json, in the system language', async () => {
    const missing = await strata(['info', 'does-not-exist'])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr.trim().split('\n')).toHaveLength(1)
    expect(missing.stderr).toContain('No Strata project was found')

    const json = await strata(['info', 'does-not-exist', '--json'])
    expect(json.code).not.toBe(0)
    expect(JSON.parse(json.stdout).error.code).toBe('PROJECT_NOT_FOUND')

    const zh = await strata(['new', 'Shop'], { LANG: 'zh_CN.UTF-8' })
    expect(zh.code).not.toBe(0)
    expect(zh.stderr).toContain('已经有一个项目')

    const unknown = await strata(['frobnicate'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('Unknown command')
  })

  it('runs piped into a reader that stops early (| head -2) ends quietly, without an EPIPE crash', async () => {
    const p = createProject(path.join(dir, 'Many'), 'Many')
    const model = new ModelStore(p.db).create('MLP', emptySpec('MLP'), null)
    p.db.transaction(() => {
      for (let r = 0; r < 3000; r++) setRunStatus(p.db, createRun(p.db, { datasetId: 'd0', modelId: model.id, config: TrainConfig.parse({ epochs: 3 }) }), 'completed')
    })()
    p.close()
    const pipeline = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" runs Many | head -2`], { cwd: dir, env: { ...process.env, STRATA_HOME: dir, LANG: 'en_US.UTF-8' }, encoding: 'utf8' })
    expect(pipeline.stdout.trim().split('\n')).toHaveLength(2)
    expect(pipeline.stdout).toContain('run 3000')
    expect(pipeline.stderr).toBe('')
  })

  it('serve --port 0 prints a URL with a token; the page is public; the socket needs the token; the engine answers', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], { env: { ...process.env, STRATA_HOME: dir }, stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve))
      const { url, token, port } = JSON.parse(line)
      expect(url).toBe(`http://127.0.0.1:${port}/?token=${token}`)

      expect((await fetch(url)).status).toBe(200)
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200)

      const refused = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`)
        ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0))
        ws.once('open', () => resolve(101))
      })
      expect(refused).toBe(401)

      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, socketProtocols(token))
      await new Promise((resolve) => ws.once('open', resolve))
      const reply = await new Promise<{ result: { ok: boolean; value: { chosen: string } } }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())))
        ws.send(JSON.stringify({ id: 1, channel: 'engine:backends', payload: {} }))
      })
      expect(reply.result.ok).toBe(true)
      expect(['node-gpu', 'node', 'wasm', 'cpu']).toContain(reply.result.value.chosen)
      ws.close()
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('import → model → train --json: the last line reports the run, its backend and metrics; runs lists it', async () => {
    await strata(['new', 'Churn'])
    const rows = ['tenure,plan,calls,churned']
    for (let i = 0; i < 400; i++) {
      const tenure = (i * 37) % 60
      const calls = (i * 11) % 8
      rows.push(`${tenure},${['basic', 'plus', 'pro'][i % 3]},${calls},${tenure < 15 && calls > 2 ? 'yes' : 'no'}`)
    }
    fs.writeFileSync(path.join(dir, 'churn.csv'), rows.join('\n'))
    const imported = await strata(['import', 'Churn', 'churn.csv', '--target', 'churned', '--json'])
    expect(imported.code, imported.stdout + imported.stderr).toBe(0)
    const { datasetId, columns } = JSON.parse(imported.stdout) as { datasetId: string; columns: Array<{ name: string; type: string; stats: { distinct: number } }> }
    // Fitted to the dataset: one input per numeric column, one per category of the others, and two classes.
    const width = columns.filter((c) => c.name !== 'churned').reduce((n, c) => n + (c.type === 'numeric' ? 1 : c.stats.distinct), 0)
    expect(width).toBeGreaterThanOrEqual(5)
    const model = await strata(['model', 'Churn', '--template', 'tabular-classifier', '--dataset', datasetId, '--json'])
    expect(model.code, model.stdout + model.stderr).toBe(0)
    const { modelId, layers } = JSON.parse(model.stdout)
    expect(layers[0].outputShape).toEqual([width])
    expect(layers[layers.length - 1].outputShape).toEqual([1])

    const trained = await strata(['train', 'Churn', '--dataset', datasetId, '--model', modelId, '--epochs', '3', '--lr', '0.01', '--json'])
    expect(trained.code, trained.stdout + trained.stderr).toBe(0)
    const last = JSON.parse(trained.stdout.trim().split('\n').pop()!)
    expect(last).toMatchObject({ runId: 1, status: 'completed', epochs: 3, backend: expect.stringMatching(/^(node-gpu|node|wasm|cpu)$/) })
    expect(Object.keys(last.metrics)).toEqual(expect.arrayContaining(['loss', 'val_loss']))

    const runs = await strata(['runs', 'Churn', '--json'])
    expect(JSON.parse(runs.stdout).runs[0]).toMatchObject({ id: 1, status: 'completed', epochsDone: 3 })

    const bad = await strata(['train', 'Churn', '--dataset', datasetId, '--model', 'missing-model', '--json'])
    expect(bad.code).not.toBe(0)
    expect(JSON.parse(bad.stdout.trim().split('\n').pop()!).error.code).toBeDefined()
  })
})
