import type { ExportFormat } from '../../../common/contract/export'
import { invoke } from './client'

function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const bin = atob(data)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

/** Fetches an export as a zip archive, chunk by chunk (each under the host's message cap), and hands it to the browser as a download. */
export async function downloadExport(runId: number, format: ExportFormat): Promise<void> {
  const parts: Uint8Array<ArrayBuffer>[] = []
  let offset = 0
  let name = `run-${runId}-${format}.zip`
  for (;;) {
    const chunk = await invoke('export:download', { runId, format, offset })
    name = chunk.name
    parts.push(fromBase64(chunk.data))
    offset = chunk.offset + parts[parts.length - 1].length
    if (chunk.done) break
  }
  const url = URL.createObjectURL(new Blob(parts, { type: 'application/zip' }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
