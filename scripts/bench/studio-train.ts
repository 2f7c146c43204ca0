/**
 * One training measurement of the studio's path in a process of its own, as a training job gets (the wasm backend keeps
 * the threads it started with for the life of a process). Used by the training benches through runStudioBench;
 * by hand: npx tsx scripts/bench/studio-train.ts '{"backend":"wasm","model":"cnn","warmupBatches":3,"batches":30}'
 * Prints the result as one JSON line.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { benchTraining, type TrainBenchPlan, type TrainBenchResult } from './train-bench'

/** Runs one plan in a fresh Node process and returns its result. */
export async function runStudioBench(plan: TrainBenchPlan): Promise<TrainBenchResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', __filename, JSON.stringify(plan)], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as TrainBenchResult
}

if (require.main === module) {
  benchTraining(JSON.parse(process.argv[2] ?? '{}') as TrainBenchPlan)
    .then((result) => {
      console.log(JSON.stringify(result))
      // The wasm backend's pool threads stay alive (and keep the process alive) until the process ends, as in a training job.
      process.exit(0)
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exitCode = 1
    })
}
