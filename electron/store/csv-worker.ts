/**
 * The worker thread a large table import reads the second half of its file in (see scanTableFile), one job at a time;
 * built into out/main/csv-worker.js beside the main bundle.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parentPort, threadId } from 'node:worker_threads'
import { SCAN_PROTOCOL, scanToEnd, warmUpRows, type ScanJob, type ScanMessage, type WarmJob } from './table-scan'

const post = (m: ScanMessage) => parentPort?.postMessage(m)

/** Scans generated rows a few times (from a temporary file, as an import reads), posting nothing. */
async function warmUp(): Promise<void> {
  const file = path.join(os.tmpdir(), `strata-scan-warm-${process.pid}-${threadId}.csv`)
  const text = warmUpRows(20_000)
  fs.writeFileSync(file, text)
  try {
    const start = text.indexOf('\n') + 1
    const dialect = { delimiter: ',', newline: '\n' as const }
    for (let i = 0; i < 4; i++) await scanToEnd({ kind: 'scan', protocol: SCAN_PROTOCOL, file, dialect, header: ['id', 'amount', 'city', 'active', 'note', 'label'], likelyTarget: 5, start }, () => undefined)
  } finally {
    fs.rmSync(file, { force: true })
  }
}

parentPort?.on('message', (job: ScanJob | WarmJob) => {
  if (job.protocol !== SCAN_PROTOCOL) return post({ kind: 'failed', message: `worker speaks scan protocol ${SCAN_PROTOCOL}, the importer ${job.protocol}` })
  if (job.kind === 'warm') return void warmUp().catch(() => undefined)
  scanToEnd(job, (bytes) => post({ kind: 'progress', bytes })).then(post, (err: unknown) =>
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) })
  )
})
