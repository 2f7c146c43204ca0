/**
 * The worker thread a large table import reads the second half of its file in (see scanTableFile), one job at a time;
 * built into out/main/csv-worker.js beside the main bundle.
 */
import { parentPort } from 'node:worker_threads'
import { SCAN_PROTOCOL, scanToEnd, warmUpScan, type ScanJob, type ScanMessage, type WarmJob } from './table-scan'

const post = (m: ScanMessage) => parentPort?.postMessage(m)

parentPort?.on('message', (job: ScanJob | WarmJob) => {
  if (job.protocol !== SCAN_PROTOCOL) return post({ kind: 'failed', message: `worker speaks scan protocol ${SCAN_PROTOCOL}, the importer ${job.protocol}` })
  // A few passes over 20,000 generated rows: long enough for the scan's loops to be optimised.
  if (job.kind === 'warm') return void warmUpScan(20_000, 4).catch(() => undefined)
  scanToEnd(job, (bytes) => post({ kind: 'progress', bytes })).then(post, (err: unknown) =>
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) })
  )
})
