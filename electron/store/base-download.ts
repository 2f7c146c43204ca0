import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { StrataError } from '../../common/errors'

/** A model to download once: where its model.json is, and the sha256 of model.json followed by its weight files. */
export interface DownloadSource {
  name: string
  url: string
  sha256: string
}

/** Bytes received so far of everything the model needs (total known once model.json is read). */
export interface DownloadProgress {
  done: number
  total: number | null
}

function offline(source: DownloadSource, err: unknown): StrataError {
  return new StrataError('BASE_OFFLINE', { name: source.name, url: new URL(source.url).host }, err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err))
}

async function get(source: DownloadSource, url: string, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<Buffer> {
  let response: Response
  try {
    response = await fetch(url, { signal })
  } catch (err) {
    if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED', {})
    throw offline(source, err)
  }
  if (!response.ok || !response.body) throw offline(source, new Error(`HTTP ${response.status} for ${url}`))
  const parts: Buffer[] = []
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      parts.push(Buffer.from(chunk))
      onBytes(chunk.byteLength)
    }
  } catch (err) {
    if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED', {})
    throw offline(source, err)
  }
  return Buffer.concat(parts)
}

/**
 * Downloads a TF.js layers model (model.json and its weight files) into `cacheDir` once, checking its sha256 before
 * keeping it, and returns its folder; a later call finds it there without the network. Throws BASE_OFFLINE when the
 * address cannot be reached and BASE_CHECKSUM (keeping nothing) when the files are not the expected ones.
 */
export async function downloadModel(cacheDir: string, source: DownloadSource, opts: { onProgress?: (p: DownloadProgress) => void; signal?: AbortSignal } = {}): Promise<string> {
  const dir = path.join(cacheDir, source.sha256.toLowerCase())
  if (fs.existsSync(path.join(dir, 'model.json'))) return dir
  let done = 0
  let total: number | null = null
  const onBytes = (n: number): void => {
    done += n
    opts.onProgress?.({ done, total })
  }
  const modelJson = await get(source, source.url, opts.signal, onBytes)
  let manifest: { weightsManifest?: Array<{ paths: string[]; weights: Array<{ shape: number[]; dtype: string }> }> }
  try {
    manifest = JSON.parse(modelJson.toString('utf8'))
  } catch {
    throw new StrataError('BASE_CHECKSUM', { name: source.name })
  }
  const groups = manifest.weightsManifest ?? []
  total = modelJson.length + groups.flatMap((g) => g.weights).reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0)
  const hash = crypto.createHash('sha256').update(modelJson)
  const files: Array<[string, Buffer]> = []
  for (const p of groups.flatMap((g) => g.paths)) {
    if (path.basename(p) !== p) throw new StrataError('BASE_CHECKSUM', { name: source.name })
    const bytes = await get(source, new URL(p, source.url).toString(), opts.signal, onBytes)
    hash.update(bytes)
    files.push([p, bytes])
  }
  if (hash.digest('hex') !== source.sha256.toLowerCase()) throw new StrataError('BASE_CHECKSUM', { name: source.name })
  const staging = `${dir}.tmp-${process.pid}`
  fs.rmSync(staging, { recursive: true, force: true })
  fs.mkdirSync(staging, { recursive: true })
  fs.writeFileSync(path.join(staging, 'model.json'), modelJson)
  for (const [p, bytes] of files) fs.writeFileSync(path.join(staging, p), bytes)
  fs.renameSync(staging, dir)
  return dir
}
