import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ModelRecord, RunSummary } from '../../common/contract'
import { BUILT_ENGINE } from '../services/services.test-helpers'
import { connectStudio, serveBuiltStudio, type ServedStudio } from './client.test-helpers'

let home: string
let studio: ServedStudio | null = null

beforeAll(() => {
  if (!fs.existsSync(BUILT_ENGINE)) throw new Error('Build Strata first: npm run build')
})

afterEach(async () => {
  await studio?.stop()
  studio = null
  fs.rmSync(home, { recursive: true, force: true })
})

/** A small churn table in the projects folder. */
function writeChurn(file: string): void {
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 400; i++) rows.push(`${(i * 37) % 60},${['basic', 'plus', 'pro'][i % 3]},${(i * 11) % 8},${(i * 37) % 60 < 15 ? 'yes' : 'no'}`)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, rows.join('\n'))
}

describe('strata serve', () => {
  it('--allow-dir: the page may import from that folder and the projects folder, nothing else', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-serve-'))
    const data = path.join(home, 'my data')
    writeChurn(path.join(data, 'churn.csv'))
    writeChurn(path.join(home, 'elsewhere', 'churn.csv'))
    studio = await serveBuiltStudio(home, { args: ['--allow-dir', data] })
    const client = await connectStudio(studio.port, studio.token)
    await client.call('project:create', { name: 'Churn' })
    await expect(client.call('dataset:import', { path: '/etc/passwd', kind: 'table' })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' })
    await expect(client.call('dataset:import', { path: path.join(home, 'elsewhere', 'churn.csv') })).rejects.toMatchObject({ code: 'PATH_NOT_ALLOWED' })
    expect(await client.call('dataset:import', { path: path.join(data, 'churn.csv'), target: 'churned' })).toMatchObject({ imported: 400 })
    client.close()
  })

  it('--allow-dir of a folder that does not exist stops it with a plain message', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-serve-'))
    await expect(serveBuiltStudio(home, { args: ['--allow-dir', path.join(home, 'missing')] })).rejects.toThrow(/--allow-dir needs a folder that exists/)
  })

  it('an uncaught error and an unhandled rejection in the host do not end a training run', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-serve-'))
    // The fault: on SIGUSR2 the host process throws from a callback and leaves a rejected promise unawaited.
    const fault = path.join(home, 'fault.cjs')
    fs.writeFileSync(fault, "process.on('SIGUSR2', () => { setImmediate(() => { throw new Error('injected fault') }); Promise.reject(new Error('injected rejection')) })\n")
    studio = await serveBuiltStudio(home, { nodeArgs: ['--require', fault] })
    const client = await connectStudio(studio.port, studio.token)
    const csv = path.join(home, 'projects', 'churn.csv')
    writeChurn(csv)
    await client.call('project:create', { name: 'Churn' })
    const { datasetId } = await client.call<{ datasetId: string }>('dataset:import', { path: csv, target: 'churned' })
    const model = await client.call<ModelRecord>('model:create', { template: 'tabular-classifier', datasetId })
    const run = await client.call<RunSummary>('training:start', { datasetId, modelId: model.id, config: { epochs: 12, batchSize: 8 } })

    await client.waitFor<{ runId: number }>('training:epoch', (e) => e.runId === run.id)
    process.kill(studio.process.pid!, 'SIGUSR2')
    const end = await client.waitFor<RunSummary>('training:status', (s) => s.id === run.id && ['completed', 'failed', 'interrupted', 'stopped'].includes(s.status))

    expect(end.status).toBe('completed')
    expect(end.epochsDone).toBe(12)
    expect(studio.process.exitCode).toBeNull()
    expect(studio.stderr()).toContain('injected fault')
    expect(await client.call('app:info', {})).toMatchObject({ mode: 'browser' })
    client.close()
  }, 180_000)
})
