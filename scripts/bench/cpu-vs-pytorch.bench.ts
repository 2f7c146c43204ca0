/**
 * Training throughput of the seed CNN and the MLP on the studio's CPU path (wasm with Strata's kernels, through the real
 * trainer) against PyTorch on the same machine, in one run: rounds alternate studio and PyTorch so both see the same
 * load, and the ratios of the medians are printed. About a minute or two.
 * Run: npx tsx scripts/bench/cpu-vs-pytorch.bench.ts [--rounds 3] [--torch-threads 2]
 * PyTorch: Debian's python3-torch (`apt-get install python3-torch`); the python used is $STRATA_PYTHON, else the first of
 * python3, /usr/bin/python3 that can import torch.
 */
import { execFile } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { benchTraining, type BenchModel, type TrainBenchPlan } from '../../electron/engine/train-bench'

const run = promisify(execFile)
const MODELS: BenchModel[] = ['cnn', 'mlp']
const STUDIO_PLANS: Record<BenchModel, TrainBenchPlan> = {
  cnn: { backend: 'wasm', model: 'cnn', warmupBatches: 3, batches: 30 },
  mlp: { backend: 'wasm', model: 'mlp', warmupBatches: 10, batches: 200 }
}

interface TorchResult {
  torch: string
  threads: number
  blas: string
  samplesPerSecond: Record<BenchModel, number>
  samplesPerCpuSecond: Record<BenchModel, number>
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

async function findPython(): Promise<string | null> {
  const candidates = [process.env.STRATA_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => Boolean(p))
  for (const python of candidates) {
    try {
      await run(python, ['-c', 'import torch'])
      return python
    } catch {
      // Not this one: try the next.
    }
  }
  return null
}

async function torchRound(python: string, threads: number): Promise<TorchResult> {
  const script = path.join(__dirname, 'torch_train.py')
  const env = { ...process.env, OMP_NUM_THREADS: String(threads) }
  const { stdout } = await run(python, [script, '--threads', String(threads), '--seconds', '3'], { env, maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as TorchResult
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const fmt = (n: number) => n.toFixed(0).padStart(7)

async function main(): Promise<void> {
  const rounds = arg('rounds', 3)
  const torchThreads = arg('torch-threads', 2)
  const python = await findPython()
  if (!python) console.log('PyTorch not installed: apt-get install python3-torch (ratios skipped)')
  console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'}; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  const studio: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  const torch: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  const studioCpu: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  const torchCpu: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  let torchInfo: TorchResult | null = null
  for (let round = 1; round <= rounds; round++) {
    const line: string[] = [`round ${round}:`]
    for (const model of MODELS) {
      const r = await benchTraining(STUDIO_PLANS[model])
      studio[model].push(r.samplesPerSecond)
      studioCpu[model].push(r.samplesPerCpuSecond)
      line.push(`studio ${model} ${fmt(r.samplesPerSecond)}`)
    }
    if (python) {
      torchInfo = await torchRound(python, torchThreads)
      for (const model of MODELS) {
        torch[model].push(torchInfo.samplesPerSecond[model])
        torchCpu[model].push(torchInfo.samplesPerCpuSecond[model])
        line.push(`torch ${model} ${fmt(torchInfo.samplesPerSecond[model])}`)
      }
    }
    console.log(line.join('  '))
  }
  if (torchInfo) console.log(`PyTorch ${torchInfo.torch}, ${torchInfo.threads} threads, BLAS: ${torchInfo.blas}`)
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)
  console.log('model  studio samples/s  pytorch samples/s  studio/pytorch  (medians over rounds)')
  for (const model of MODELS) {
    const s = median(studio[model])
    const t = torch[model].length ? median(torch[model]) : NaN
    const ratio = Number.isFinite(t) ? `${(s / t).toFixed(2)}x` : 'n/a'
    console.log(`${model.padEnd(5)}  ${fmt(s).padStart(16)}  ${(Number.isFinite(t) ? fmt(t) : 'n/a').padStart(17)}  ${ratio.padStart(14)}`)
  }
  // Wall-clock ratios depend on what else this machine runs; per CPU-second figures show each side's own efficiency.
  console.log('model  studio samples/cpu-s  pytorch samples/cpu-s  (medians; CPU time of all threads)')
  for (const model of MODELS) {
    const t = torchCpu[model].length ? fmt(median(torchCpu[model])) : 'n/a'
    console.log(`${model.padEnd(5)}  ${fmt(median(studioCpu[model])).padStart(20)}  ${t.padStart(21)}`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
