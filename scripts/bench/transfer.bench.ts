/**
 * Transfer learning: seconds per epoch of a new head on the shipped frozen base (resources/samples/shapes-base), with
 * the base run on every batch against features cached once, and the ratio. Run: npx tsx scripts/bench/transfer.bench.ts
 */
import path from 'node:path'
import { benchTransfer } from './transfer-bench'

async function main(): Promise<void> {
  const base = path.resolve(__dirname, '..', '..', 'resources', 'samples', 'shapes-base')
  const r = await benchTransfer(base, { backend: 'wasm', images: 1024, epochs: 4 })
  console.log(`frozen base, ${r.images} images, ${r.backend}:`)
  console.log(`  base on every batch   ${r.uncachedEpochSeconds.toFixed(2).padStart(7)} s/epoch`)
  console.log(`  cached features       ${r.cachedEpochSeconds.toFixed(2).padStart(7)} s/epoch  (+ ${r.cacheSeconds.toFixed(2)} s once to compute them)`)
  console.log(`  cached is ${(r.uncachedEpochSeconds / r.cachedEpochSeconds).toFixed(1)}x faster per epoch; it pays off from epoch ${Math.max(1, Math.ceil(r.cacheSeconds / Math.max(r.uncachedEpochSeconds - r.cachedEpochSeconds, 1e-9)))}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
