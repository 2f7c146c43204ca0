/**
 * Responsiveness while training: WebSocket round-trips to the headless host while the seed CNN trains in its
 * engine process, against the same round-trips with nothing training (the reference, measured in the same run).
 * Target: p95 under 50 ms while training. Run: npx tsx scripts/bench/latency.bench.ts
 */
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { socketProtocols } from '../../common/security'
import { writeMnistFolder } from '../../electron/store/mnist'

const ROOT = path.resolve(__dirname, '../..')
const BIN = path.join(ROOT, 'bin', 'strata.js')
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-latency-'))
const env = { ...process.env, STRATA_HOME: home }

function cli(args: string[]): Record<string, unknown> {
  const out = execFileSync(process.execPath, [BIN, ...args, '--json'], { env, encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

async function main(): Promise<void> {
  const project = path.join(home, 'projects', 'Digits')
  cli(['new', project])
  await writeMnistFolder(path.join(home, 'digits'), { train: 3000, test: 0 })
  const { datasetId } = cli(['import', project, path.join(home, 'digits')]) as { datasetId: string }
  const { modelId } = cli(['model', project, '--template', 'mnist-cnn', '--input', '28x28x1', '--classes', '10']) as { modelId: string }

  const host = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const { port, token } = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: host.stdout! }).once('line', resolve)))
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, socketProtocols(token))
  await new Promise((resolve) => ws.once('open', resolve))
  let nextId = 1
  const waiting = new Map<number, (value: unknown) => void>()
  let epochs = 0
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; event?: string }
    if (m.event === 'training:epoch') epochs++
    if (m.id !== undefined && waiting.has(m.id)) {
      waiting.get(m.id)!(m.result)
      waiting.delete(m.id)
    }
  })
  const call = (channel: string, payload: unknown): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++
      waiting.set(id, resolve)
      ws.send(JSON.stringify({ id, channel, payload }))
    })
  const sample = async (count: number): Promise<number[]> => {
    const times: number[] = []
    for (let i = 0; i < count; i++) {
      const t0 = performance.now()
      await call('training:runs', {})
      times.push(performance.now() - t0)
      await new Promise((r) => setTimeout(r, 20))
    }
    return times
  }

  await call('project:open', { path: project })
  const idle = await sample(150)
  const started = (await call('training:start', { datasetId, modelId, config: { epochs: 3, batchSize: 32 } })) as { ok: boolean }
  if (!started.ok) throw new Error(`training did not start: ${JSON.stringify(started)}`)
  await new Promise((r) => setTimeout(r, 3000))
  const busy = await sample(300)
  await call('training:stop', { runId: 1 })

  const line = (label: string, v: number[]) => console.log(`${label.padEnd(22)} p50 ${percentile(v, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(v, 95).toFixed(1).padStart(6)} ms   max ${Math.max(...v).toFixed(1).padStart(6)} ms`)
  console.log('round-trip latency, headless host over WebSocket (training:runs)')
  line('idle (reference)', idle)
  line('while the CNN trains', busy)
  const p95 = percentile(busy, 95)
  console.log(`p95 while training / idle p95 = ${(p95 / percentile(idle, 95)).toFixed(2)}x; target p95 < 50 ms: ${p95 < 50 ? 'met' : 'NOT met'} (epochs finished during sampling: ${epochs})`)
  ws.close()
  host.kill('SIGTERM')
  fs.rmSync(home, { recursive: true, force: true })
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
