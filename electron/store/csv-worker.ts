/**
 * The worker thread a large table import reads the second half of its file in (see scanTableFile), one job at a time;
 * built into out/main/csv-worker.js beside the main bundle.
 */
import { parentPort } from 'node:worker_threads'
import { SCAN_PROTOCOL, scanToEnd, type ScanJob, type ScanMessage } from './table-scan'

const post = (m: ScanMessage) => parentPort?.postMessage(m)

parentPort?.on('message', (job: ScanJob) => {
  if (job.protocol !== SCAN_PROTOCOL) return post({ kind: 'failed', message: `worker speaks scan protocol ${SCAN_PROTOCOL}, the importer ${job.protocol}` })
  scanToEnd(job, (bytes) => post({ kind: 'progress', bytes })).then(post, (err: unknown) =>
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) })
  )
})
