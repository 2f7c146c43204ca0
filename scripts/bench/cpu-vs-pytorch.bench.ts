/**
 * Training throughput of the seed CNN and the MLP on the studio's CPU path (wasm with Strata's kernels, through the real
 * trainer, each measurement in a process of its own as a training job gets) against PyTorch on the same machine, in one
 * run: rounds alternate studio and PyTorch so both see the same load, and the ratios of the medians are printed with
 * the fraction of the machine's physical limit each reaches. About a minute and a half.
 * Rows: `wasm` is the studio's default (XNNPACK threads on every core for convolutional models, one thread for the
 * others, see wasmThreadsPay); `wasm threads=N` is the other choice, for comparison.
 * Run: npx tsx scripts/bench/cpu-vs-pytorch.bench.ts [--rounds 3] [--torch-threads 2] [--json]
 * PyTorch: Debian's python3-torch (`apt-get install python3-torch libopenblas0-pthread`), run through Debian's own
 * /usr/bin/python3 (or $STRATA_PYTHON), with OPENBLAS_NUM_THREADS=1 and torch.set_num_threads(--torch-threads).
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { buildTemplate } from '../../common/model/templates'
import { BENCH_TEMPLATES, type BenchModel, type TrainBenchPlan } from './train-bench'
import { wasmThreadCount, wasmThreadsPay } from '../../electron/engine/kernels/threads'
import { runStudioBench } from './studio-train'

const run = promisify(execFile)
const MODELS: BenchModel[] = ['cnn', 'mlp']
/**
 * Each measurement starts a fresh process: the warm-up gives V8's optimising compiler time (the MLP needs ~50 batches).
 * The timed batches take about as long as PyTorch's timed window (torch_train.py: 3 s after 5 warm-up batches), about
 * 1.5–2.5 s here, so both sides are measured at the pace a training run keeps. A shorter window measures the process's
 * first second instead: until V8 has optimised the batch loop and the first garbage collections have handed freed
 * batch buffers back to the allocator, every new batch costs ≈ 0.2 ms of fresh memory (page faults), which is a
 * quarter of an MLP step (300 timed MLP batches read ≈ 40k samples/s where 2,000 read ≈ 55k on the same machine).
 */
const BATCHES: Record<BenchModel, { warmupBatches: number; batches: number }> = {
  cnn: { warmupBatches: 5, batches: 200 },
  mlp: { warmupBatches: 60, batches: 3000 }
}
/** FLOPs per cycle and core the issue's physical limit assumes: two 256-bit FMA units (AVX2 + FMA), 2 × 8 × 2. */
const FLOPS_PER_CYCLE = 32

interface TorchResult {
  torch: string
  threads: number
  blas: string
  samplesPerSecond: Record<BenchModel, number>
  samplesPerCpuSecond: Record<BenchModel, number>
}

/** One row of the table and of `--json`. */
interface Row {
  model: BenchModel
  backend: string
  samplesPerSec: number
  pytorchSamplesPerSec: number | null
  ratioToPytorch: number | null
  fractionOfPeak: number
  /** Samples per second of CPU time (all threads): each side's own efficiency, less distorted by other load than wall time. */
  samplesPerCpuSec: number
  pytorchSamplesPerCpuSec: number | null
}

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? Number(process.argv[at + 1]) : fallback
}

/** Debian's system Python, never another one on the PATH: its python3-torch is the reference the issue names. */
async function findPython(): Promise<string | null> {
  const python = process.env.STRATA_PYTHON || '/usr/bin/python3'
  try {
    await run(python, ['-c', 'import torch'])
    return python
  } catch {
    return null
  }
}

async function torchRound(python: string, threads: number): Promise<TorchResult> {
  const script = path.join(__dirname, 'torch_train.py')
  // OpenBLAS's own threads would fight torch's intra-op threads for the same cores.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: '1' }
  const { stdout } = await run(python, [script, '--threads', String(threads), '--seconds', '3'], { env, maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as TorchResult
}

/** The cores' clock: what Node reports, else the kernel's `cpu MHz` (virtual machines often report 0 to Node). */
function clockGhz(): number {
  const reported = os.cpus()[0]?.speed ?? 0
  if (reported > 0) return reported / 1000
  try {
    const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))
    return mhz ? Number(mhz[1]) / 1000 : 0
  } catch {
    return 0
  }
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
  const json = process.argv.includes('--json')
  const log = (line: string) => (json ? console.error(line) : console.log(line))
  const python = await findPython()
  if (!python) log('PyTorch not importable by /usr/bin/python3: apt-get install python3-torch libopenblas0-pthread (ratios skipped)')
  const cores = os.cpus().length
  const ghz = clockGhz()
  const peakFlops = cores * ghz * 1e9 * FLOPS_PER_CYCLE
  log(`machine: ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown cpu'} at ${ghz.toFixed(2)} GHz; physical limit ${(peakFlops / 1e9).toFixed(0)} GFLOP/s (${FLOPS_PER_CYCLE} FLOP/cycle/core); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)

  // Per model: the studio's default and the other thread choice, each measured once per round.
  const plans: Array<{ label: string; plan: TrainBenchPlan }> = []
  for (const model of MODELS) {
    const defaultThreaded = wasmThreadsPay(buildTemplate(BENCH_TEMPLATES[model]))
    plans.push({ label: 'wasm', plan: { backend: 'wasm', model, ...BATCHES[model] } })
    if (wasmThreadCount() > 1) {
      plans.push({ label: `wasm threads=${defaultThreaded ? 1 : wasmThreadCount()}`, plan: { backend: 'wasm', model, ...BATCHES[model], wasmThreads: !defaultThreaded } })
    }
  }
  const flopsPerSample: Partial<Record<BenchModel, number>> = {}
  const studio = new Map<string, number[]>()
  const studioCpu = new Map<string, number[]>()
  const torch: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  const torchCpu: Record<BenchModel, number[]> = { cnn: [], mlp: [] }
  let torchInfo: TorchResult | null = null
  for (let round = 1; round <= rounds; round++) {
    const line: string[] = [`round ${round}:`]
    for (const { label, plan } of plans) {
      const r = await runStudioBench(plan)
      flopsPerSample[plan.model] = r.flopsPerSample
      const key = `${plan.model}|${label}`
      studio.set(key, [...(studio.get(key) ?? []), r.samplesPerSecond])
      studioCpu.set(key, [...(studioCpu.get(key) ?? []), r.samplesPerCpuSecond])
      line.push(`${plan.model} ${label} ${fmt(r.samplesPerSecond).trim()}`)
    }
    if (python) {
      torchInfo = await torchRound(python, torchThreads)
      for (const model of MODELS) {
        torch[model].push(torchInfo.samplesPerSecond[model])
        torchCpu[model].push(torchInfo.samplesPerCpuSecond[model])
        line.push(`torch ${model} ${fmt(torchInfo.samplesPerSecond[model]).trim()}`)
      }
    }
    log(line.join('  '))
  }
  if (torchInfo) log(`PyTorch ${torchInfo.torch}, ${torchInfo.threads} threads, BLAS: ${torchInfo.blas}`)
  log(`load average after: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`)

  const rows: Row[] = plans.map(({ label, plan }) => {
    const samplesPerSec = median(studio.get(`${plan.model}|${label}`) ?? [])
    const pytorchSamplesPerSec = torch[plan.model].length ? median(torch[plan.model]) : null
    return {
      model: plan.model,
      backend: label,
      samplesPerSec,
      pytorchSamplesPerSec,
      ratioToPytorch: pytorchSamplesPerSec ? samplesPerSec / pytorchSamplesPerSec : null,
      fractionOfPeak: peakFlops > 0 ? (samplesPerSec * (flopsPerSample[plan.model] ?? 0)) / peakFlops : 0,
      samplesPerCpuSec: median(studioCpu.get(`${plan.model}|${label}`) ?? []),
      pytorchSamplesPerCpuSec: torchCpu[plan.model].length ? median(torchCpu[plan.model]) : null
    }
  })
  if (json) {
    console.log(JSON.stringify({ results: rows }))
    return
  }
  console.log('model  backend          studio samples/s  pytorch samples/s  studio/pytorch  of peak  (medians over rounds)')
  for (const r of rows) {
    const t = r.pytorchSamplesPerSec === null ? 'n/a' : fmt(r.pytorchSamplesPerSec)
    const ratio = r.ratioToPytorch === null ? 'n/a' : `${r.ratioToPytorch.toFixed(2)}x`
    console.log(`${r.model.padEnd(5)}  ${r.backend.padEnd(15)}  ${fmt(r.samplesPerSec).padStart(16)}  ${t.padStart(17)}  ${ratio.padStart(14)}  ${(r.fractionOfPeak * 100).toFixed(1).padStart(6)}%`)
  }
  // Wall-clock ratios depend on what else this machine runs; per CPU-second figures show each side's own efficiency.
  console.log('model  backend          studio samples/cpu-s  pytorch samples/cpu-s  (medians; CPU time of all threads)')
  for (const r of rows) {
    const t = r.pytorchSamplesPerCpuSec === null ? 'n/a' : fmt(r.pytorchSamplesPerCpuSec)
    console.log(`${r.model.padEnd(5)}  ${r.backend.padEnd(15)}  ${fmt(r.samplesPerCpuSec).padStart(20)}  ${t.padStart(21)}`)
  }
  if (torchInfo) {
    const peak = (model: BenchModel) => ((median(torch[model]) * (flopsPerSample[model] ?? 0)) / peakFlops) * 100
    console.log(`pytorch reaches ${MODELS.map((m) => `${m} ${peak(m).toFixed(1)}%`).join(', ')} of peak`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
