import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { dispatch, type ChannelName, type EmitEvent, type EventName, type RunSummary } from '../../common/contract'
import type { Services } from './index'
import { BUILT_ENGINE, callChannel, REPO_ROOT, testServices } from './services.test-helpers'

// The engine runs as the user runs it: the built engine process (`npm run build` first; `npm test` does it).
const ENGINE = BUILT_ENGINE

let dir: string
let services: Services
let events: Array<{ event: EventName; payload: unknown }>

beforeAll(() => {
  if (!fs.existsSync(ENGINE)) throw new Error('Build Strata first: npm run build')
})

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-train-'))
  events = []
  const emit: EmitEvent = (event, payload) => void events.push({ event, payload })
  services = testServices(dir, emit)
})

afterEach(() => {
  services.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

const call = <T = unknown>(channel: ChannelName, payload: unknown): Promise<T> => callChannel<T>(services, channel, payload)

/** A churn-like table: who leaves depends on tenure, plan and support calls, with 5% label noise (10% left the last epoch too close to the bar: weight initialisation is not seeded). */
function writeChurnCsv(file: string, rows: number): { majority: number } {
  let leave = 0
  const lines = ['customer_id,tenure_months,plan,support_calls,monthly_fee,churned']
  let seed = 7
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647)
  for (let i = 0; i < rows; i++) {
    const tenure = Math.floor(rand() * 60)
    const plan = ['basic', 'plus', 'pro'][Math.floor(rand() * 3)]
    const calls = Math.floor(rand() * 8)
    const fee = 20 + Math.round(rand() * 80)
    let churn = tenure < 12 && calls > 3 ? 1 : plan === 'basic' && calls > 5 ? 1 : tenure < 6 ? 1 : 0
    if (rand() < 0.05) churn = 1 - churn
    leave += churn
    lines.push(`C${1000 + i},${tenure},${plan},${calls},${fee},${churn ? 'yes' : 'no'}`)
  }
  fs.writeFileSync(file, lines.join('\n') + '\n')
  return { majority: Math.max(leave, rows - leave) / rows }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 120_000): Promise<void> {
  const start = Date.now()
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function setup(rows: number): Promise<{ datasetId: string; modelId: string; majority: number }> {
  await call('project:create', { name: 'Churn' })
  const csv = path.join(dir, 'churn.csv')
  const { majority } = writeChurnCsv(csv, rows)
  const imported = await call<{ datasetId: string }>('dataset:import', { path: csv, kind: 'table', target: 'churned' })
  const model = await call<{ id: string }>('model:create', { template: 'tabular-classifier', fit: { inputShape: [4], classes: 2 } })
  return { datasetId: imported.datasetId, modelId: model.id, majority }
}

const runOf = (runId: number) => call<RunSummary & { history: Array<{ epoch: number; metrics: Record<string, number> }>; checkpoints: unknown[] }>('training:run', { runId })

describe('training service', () => {
  it('trains a tabular classifier in the engine process that clearly beats the majority class, recording everything', async () => {
    const { datasetId, modelId, majority } = await setup(1500)
    const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs: 15, batchSize: 32, learningRate: 0.01 } })
    await until(async () => ['completed', 'failed'].includes((await runOf(run.id)).status))
    const done = await runOf(run.id)
    expect(done.message).toBeNull()
    expect(done.status).toBe('completed')
    expect(done.backend).toMatch(/^(node-gpu|node|wasm|cpu)$/)
    expect(done.history.map((h) => h.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1))
    expect(done.lastMetrics.val_acc).toBeGreaterThan(majority + 0.1)
    expect(done.checkpoints).toHaveLength(2)
    expect(events.some((e) => e.event === 'training:progress')).toBe(true)
    expect(events.filter((e) => e.event === 'training:epoch')).toHaveLength(15)
  })

  it('a killed engine process marks the run interrupted; Resume finishes it from the last checkpoint', async () => {
    const { datasetId, modelId } = await setup(3000)
    const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs: 12, batchSize: 16 } })
    await until(async () => (await runOf(run.id)).checkpoints.length > 0 && (await runOf(run.id)).epochsDone >= 2)
    const pid = services.training.enginePid(run.id)
    expect(pid).toBeDefined()
    process.kill(pid!, 'SIGKILL')
    await until(async () => (await runOf(run.id)).status === 'interrupted')
    const interrupted = await runOf(run.id)
    expect(interrupted.message).toContain('stopped unexpectedly')
    const doneBefore = interrupted.epochsDone
    expect(doneBefore).toBeLessThan(12)

    await call('training:resume', { runId: run.id })
    await until(async () => ['completed', 'failed'].includes((await runOf(run.id)).status))
    const finished = await runOf(run.id)
    expect(finished.status).toBe('completed')
    expect(finished.history.map((h) => h.epoch)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    // Resumed, not restarted: the epochs trained before the kill kept their recorded metrics.
    expect(finished.history[0].metrics).toEqual(interrupted.history[0].metrics)
  })

  it('pause holds the run between batches and resume continues it', async () => {
    const { datasetId, modelId } = await setup(3000)
    const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs: 30, batchSize: 8 } })
    await until(async () => (await runOf(run.id)).status === 'running')
    await call('training:pause', { runId: run.id })
    await new Promise((r) => setTimeout(r, 300))
    const countAfterPause = events.filter((e) => e.event === 'training:progress').length
    await new Promise((r) => setTimeout(r, 700))
    expect(events.filter((e) => e.event === 'training:progress').length - countAfterPause).toBeLessThanOrEqual(1)
    expect((await runOf(run.id)).status).toBe('paused')
    await call('training:resume', { runId: run.id })
    await until(() => events.filter((e) => e.event === 'training:progress').length > countAfterPause + 2)
    await call('training:stop', { runId: run.id })
    await until(async () => (await runOf(run.id)).status === 'stopped')
  })

  it('a run keeps recording after the studio switches to another project', async () => {
    const { datasetId, modelId } = await setup(600)
    const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs: 4 } })
    const churn = (await call<{ path: string }>('project:current', {})).path
    await call('project:create', { name: 'Elsewhere' })
    await until(() => events.some((e) => e.event === 'training:status' && (e.payload as RunSummary).id === run.id && (e.payload as RunSummary).status === 'completed'))
    await call('project:open', { path: churn })
    const done = await runOf(run.id)
    expect(done.status).toBe('completed')
    expect(done.history).toHaveLength(4)
  })

  it('refuses to remove a dataset a run is training on, with a plain message; once the run stops, removes it', async () => {
    const { datasetId, modelId } = await setup(3000)
    const run = await call<RunSummary>('training:start', { datasetId, modelId, config: { epochs: 30, batchSize: 8 } })
    await until(async () => (await runOf(run.id)).status === 'running')
    const refused = await dispatch(services.handlers, 'dataset:remove', { datasetId }, undefined)
    expect(refused).toMatchObject({ ok: false, error: { code: 'DATASET_IN_USE', params: { runId: run.id } } })
    expect(!refused.ok && refused.error.message).toContain(`Run ${run.id} is training on this dataset`)
    expect(await call<unknown[]>('dataset:list', {})).toHaveLength(1)
    await call('training:stop', { runId: run.id })
    await until(async () => (await runOf(run.id)).status === 'stopped')
    await until(() => !services.training.isActive(run.id))
    expect(await call('dataset:remove', { datasetId })).toEqual({ removed: true })
  })

  it('a host killed mid-run loses no epoch: the checkpoint brings its history rows with it', async () => {
    const { datasetId, modelId } = await setup(1500)
    const project = (await call<{ path: string }>('project:current', {})).path
    services.dispose()
    // The host is the built CLI (services and an engine process of its own), as `strata train` runs.
    const host = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'strata.js'), 'train', project, '--dataset', datasetId, '--model', modelId, '--epochs', '20', '--batch-size', '8', '--json'], {
      env: { ...process.env, STRATA_HOME: dir, LANG: 'en_US.UTF-8' },
      stdio: 'ignore'
    })
    const state = path.join(project, 'runs', '1', 'checkpoints', 'last', 'state.json')
    const epochOnDisk = (): number => {
      try {
        return (JSON.parse(fs.readFileSync(state, 'utf8')) as { epoch: number }).epoch
      } catch {
        return 0
      }
    }
    await until(() => epochOnDisk() >= 2)
    // The host stops reading (busy, swapped out, stopped): its engine goes on, checkpointing epochs whose events
    // wait unread; then the host is killed, as a crash or an OOM kill would.
    process.kill(host.pid!, 'SIGSTOP')
    const stoppedAt = epochOnDisk()
    const engines = execFileSync('ps', ['-o', 'pid=', '--ppid', String(host.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter(Boolean)
    await until(() => epochOnDisk() >= stoppedAt + 2)
    process.kill(host.pid!, 'SIGKILL')
    // Its engine notices the host is gone and stops too, rather than train on beside a resume.
    await until(() => engines.every((pid) => !alive(pid)), 30_000)
    const checkpointed = epochOnDisk()

    services = testServices(dir, (event, payload) => void events.push({ event, payload }))
    await call('project:open', { path: project })
    const recovered = await runOf(1)
    expect(recovered.status).toBe('interrupted')
    expect(recovered.history.map((h) => h.epoch)).toEqual(Array.from({ length: checkpointed }, (_, i) => i + 1))
    expect(recovered.epochsDone).toBe(checkpointed)

    await call('training:resume', { runId: 1 })
    await until(async () => ['completed', 'failed'].includes((await runOf(1)).status))
    const done = await runOf(1)
    expect(done.status).toBe('completed')
    expect(done.history.map((h) => h.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(done.history.slice(0, checkpointed)).toEqual(recovered.history)
  }, 180_000)

  it('refuses to train an unknown model with a coded error and starts nothing', async () => {
    const { datasetId } = await setup(100)
    const result = await dispatch(services.handlers, 'training:start', { datasetId, modelId: 'nope' }, undefined)
    expect(result).toMatchObject({ ok: false })
    expect(await call<unknown[]>('training:runs', {})).toEqual([])
  })
})
