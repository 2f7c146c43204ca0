/**
 * Training throughput of the seed CNN and the MLP through the studio's trainer on wasm (with Strata's kernels, threads
 * as a training job chooses them) and cpu, each in a process of its own, printed as samples/s and the ratio wasm/cpu.
 * Run: npx tsx scripts/bench/train.bench.ts (about a minute; cpu's CNN dominates). The comparison with PyTorch is
 * scripts/bench/cpu-vs-pytorch.bench.ts.
 */
import type { TrainBenchPlan, TrainBenchResult } from './train-bench'
import { runStudioBench } from './studio-train'

const PLANS: TrainBenchPlan[] = [
  { backend: 'wasm', model: 'mlp', warmupBatches: 5, batches: 100 },
  { backend: 'cpu', model: 'mlp', warmupBatches: 5, batches: 30 },
  { backend: 'wasm', model: 'cnn', warmupBatches: 3, batches: 20 },
  { backend: 'cpu', model: 'cnn', warmupBatches: 1, batches: 2 }
]

async function main(): Promise<void> {
  const results: TrainBenchResult[] = []
  for (const plan of PLANS) {
    const r = await runStudioBench(plan)
    results.push(r)
    const threads = r.backend === 'wasm' ? `, ${r.threads} thread${r.threads > 1 ? 's' : ''}` : ''
    console.log(`${r.model.padEnd(4)} ${r.backend.padEnd(5)} ${r.samplesPerSecond.toFixed(1).padStart(8)} samples/s  (${r.batches} batches of 32${threads})`)
  }
  for (const model of ['mlp', 'cnn'] as const) {
    const wasm = results.find((r) => r.model === model && r.backend === 'wasm')
    const cpu = results.find((r) => r.model === model && r.backend === 'cpu')
    if (wasm && cpu) console.log(`${model}: wasm/cpu = ${(wasm.samplesPerSecond / cpu.samplesPerSecond).toFixed(1)}x`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
