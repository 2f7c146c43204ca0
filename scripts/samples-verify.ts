/**
 * `npm run samples:verify [-- --json] [-- --quick] [-- --only ID]`: creates every sample project fresh, trains it with
 * its recommended settings in the engine process, and checks it reaches its target on the test split.
 * `--quick` runs the shortened variants (subsets, fewer epochs, lower bars that still prove learning) that CI runs.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isFinalStatus, type RunSummary } from '../common/contract'
import { SAMPLES } from '../common/samples'
import { lineWeights, testAccuracy } from './sample-check'
import { createNodeServices } from '../electron/host/serve'
import { sampleVariant } from '../electron/services/sample-service'
import { runPreprocessing } from '../electron/store/runs'

const args = process.argv.slice(2)
const json = args.includes('--json')
const quick = args.includes('--quick')
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null
const buildDir = path.resolve(__dirname, '..', 'out')

interface Row {
  id: string
  metric: string
  target: string
  result: string
  pass: boolean
  seconds: number
  backend: string
}

async function verify(id: string): Promise<Row> {
  const sample = SAMPLES.find((s) => s.id === id)!
  const { goal, training } = sampleVariant(sample, quick)
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `strata-sample-${id}-`))
  let finished: (s: RunSummary) => void = () => undefined
  const ended = new Promise<RunSummary>((resolve) => (finished = resolve))
  const services = createNodeServices({
    buildDir,
    paths: { dataDir: path.join(home, 'data'), projectsDir: path.join(home, 'projects') },
    emit: (event, payload) => {
      const s = payload as RunSummary
      if (event === 'training:status' && isFinalStatus(s.status)) finished(s)
    },
    pathPolicy: 'any'
  })
  const started = Date.now()
  try {
    const project = await services.samples.open(id, { quick })
    const datasetId = services.datasets.list()[0].id
    const modelId = services.models.list()[0].id
    const run = services.training.start(datasetId, modelId, training)
    const summary = await ended
    const seconds = Math.round((Date.now() - started) / 1000)
    const backend = services.training.run(run.id).backend ?? '?'
    if (summary.status !== 'completed') {
      return { id, metric: goal.metric, target: '-', result: `${summary.status}: ${summary.message ?? ''}`, pass: false, seconds, backend }
    }
    if (goal.metric === 'line-weights') {
      const { w, b } = await lineWeights(project.path, run.id)
      const pass = Math.abs(w - goal.w) <= goal.tolerance && Math.abs(b - goal.b) <= goal.tolerance
      return { id, metric: 'w, b', target: `${goal.w} ± ${goal.tolerance}, ${goal.b} ± ${goal.tolerance}`, result: `${w.toFixed(4)}, ${b.toFixed(4)}`, pass, seconds, backend }
    }
    const preprocessing = runPreprocessing(services.projects.require().db, run.id)!
    const { accuracy, majority } = await testAccuracy(project.path, run.id, datasetId, preprocessing)
    if (goal.metric === 'accuracy') {
      const row = { id, metric: 'test accuracy', target: `≥ ${goal.atLeast}`, result: accuracy.toFixed(4), pass: accuracy >= goal.atLeast, seconds, backend }
      if (!sample.stopsEarly) return row
      // Early stopping must be visible: the run ends before its last epoch.
      const stopped = summary.epochsDone < summary.epochs
      const when = stopped ? `stopped early at epoch ${summary.epochsDone}/${summary.epochs}` : `ran all ${summary.epochs} epochs`
      return { ...row, target: `${row.target}, stops early`, result: `${row.result}, ${when}`, pass: row.pass && stopped }
    }
    const bar = majority + goal.margin
    return { id, metric: 'test accuracy', target: `≥ majority ${majority.toFixed(3)} + ${goal.margin}`, result: accuracy.toFixed(4), pass: accuracy >= bar, seconds, backend }
  } finally {
    services.dispose()
    fs.rmSync(home, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const rows: Row[] = []
  for (const sample of SAMPLES.filter((s) => !only || s.id === only)) {
    const row = await verify(sample.id)
    rows.push(row)
    if (!json) console.log(`${row.pass ? 'PASS' : 'FAIL'}  ${row.id.padEnd(18)} ${row.metric.padEnd(14)} ${row.result.padEnd(16)} target ${row.target.padEnd(30)} ${String(row.seconds).padStart(5)} s  ${row.backend}`)
  }
  const passed = rows.filter((r) => r.pass).length
  if (json) console.log(JSON.stringify({ samples: rows.map(({ id, metric, target, result, pass, seconds, backend }) => ({ id, metric, target, result, pass, seconds, backend })) }))
  else {
    if (quick) console.log('(quick variants: subsets, fewer epochs, lower targets)')
    console.log(`samples: ${passed} passed, ${rows.length - passed} failed`)
  }
  process.exitCode = passed === rows.length ? 0 : 1
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
