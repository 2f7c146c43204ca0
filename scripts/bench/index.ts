/**
 * `npm run bench`: runs every `*.bench.ts` in this folder one after another (never in parallel: they measure speed),
 * each printing its figures as ratios against a reference measured in the same run. `npm run bench -- train` runs
 * only the benches whose file name contains "train".
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const filter = process.argv[2] ?? ''
const benches = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort()
let failed = 0
for (const file of benches) {
  console.log(`\n== ${file.replace(/\.bench\.ts$/, '')} ==`)
  const started = Date.now()
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, file)], { stdio: 'inherit' })
  if (result.status !== 0) failed++
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`)
}
if (failed) {
  console.error(`${failed} bench(es) failed`)
  process.exitCode = 1
}
