import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { StrataError } from '../../common/errors'
import { hashBytes, putBlob, putThumb } from './blobs'
import { IMAGE_EXTENSIONS, inspectImage } from './image-decode'
import type { ImportStaging, StagedItem } from './import-staging'

/** What an importer reports while it works. */
export interface ImportProgressTick {
  phase: 'scanning' | 'reading' | 'saving'
  unit: 'files' | 'bytes'
  done: number
  total: number
}

/** What every importer gets: where to write, how to report, and how to be stopped. */
export interface ImporterContext {
  root: string
  staging: ImportStaging
  signal?: AbortSignal
  onProgress?: (tick: ImportProgressTick) => void
}

interface FoundImage {
  abs: string
  rel: string
  label: string
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new StrataError('IMPORT_CANCELLED')
}

function toPosix(rel: string): string {
  return rel.split(path.sep).join('/')
}

/**
 * Walks a folder whose first-level sub-folders are the classes (deeper folders belong to their top class),
 * in a stable order; non-image and hidden files and files outside a class folder are staged as skipped.
 */
export async function scanImageFolder(folder: string, staging: ImportStaging, signal?: AbortSignal): Promise<FoundImage[]> {
  const found: FoundImage[] = []
  const walk = async (dir: string, label: string | null): Promise<void> => {
    checkAborted(signal)
    const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      const abs = path.join(dir, entry.name)
      const rel = toPosix(path.relative(folder, abs))
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        // Linked files are read; linked folders are not followed, so a loop cannot hang the import.
        const stat = await fs.promises.stat(abs).catch(() => null)
        isFile = stat?.isFile() ?? false
        isDir = false
      }
      if (isDir) {
        if (entry.name.startsWith('.') || entry.name === '__MACOSX') continue
        await walk(abs, label ?? entry.name.normalize('NFC'))
      } else if (isFile) {
        if (entry.name.startsWith('.') || entry.name === 'Thumbs.db' || entry.name === 'desktop.ini') staging.addSkipped(rel, 'hidden')
        else if (!IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) staging.addSkipped(rel, 'notImage')
        else if (label === null) staging.addSkipped(rel, 'notInClass')
        else found.push({ abs, rel, label })
      }
    }
  }
  await walk(folder, null)
  return found
}

/** How many images are read at once: sharp decodes on libuv's thread pool. */
function concurrency(): number {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return Math.max(2, Math.min(16, cpus * 2))
}

/**
 * Imports an image folder into the staging area: each readable image is copied into blobs/ under its hash
 * and gets a thumbnail; unreadable ones are listed with the reason. Streams with bounded concurrency.
 */
export async function stageImageFolder(ctx: ImporterContext, folder: string): Promise<void> {
  const { staging, signal } = ctx
  ctx.onProgress?.({ phase: 'scanning', unit: 'files', done: 0, total: 0 })
  const found = await scanImageFolder(folder, staging, signal)
  const total = found.length
  if (total === 0) throw new StrataError('IMPORT_NO_IMAGES', { path: folder, ignored: staging.skipped })

  let next = 0
  let done = 0
  let batch: StagedItem[] = []
  const flush = (): void => {
    if (batch.length) staging.addItems(batch)
    batch = []
  }
  const failures: Array<{ position: number; rel: string; detail: string }> = []

  const worker = async (): Promise<void> => {
    for (;;) {
      if (signal?.aborted) return
      const position = next++
      if (position >= total) return
      const image = found[position]
      try {
        const bytes = await fs.promises.readFile(image.abs)
        if (bytes.length === 0) throw new Error('the file is empty')
        const facts = await inspectImage(bytes)
        const hash = hashBytes(bytes)
        await putBlob(ctx.root, bytes, hash)
        await putThumb(ctx.root, hash, facts.thumb)
        batch.push({
          position,
          hash,
          label: image.label,
          text: null,
          row: null,
          meta: {
            file: image.rel,
            width: facts.width,
            height: facts.height,
            format: facts.format,
            channels: facts.channels,
            hasAlpha: facts.hasAlpha,
            bytes: bytes.length
          }
        })
        if (batch.length >= 256) flush()
      } catch (err) {
        failures.push({ position, rel: image.rel, detail: err instanceof Error ? err.message : String(err) })
      }
      done++
      ctx.onProgress?.({ phase: 'reading', unit: 'files', done, total })
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency(), total) }, worker))
  checkAborted(signal)
  flush()
  failures.sort((a, b) => a.position - b.position)
  for (const f of failures) staging.addSkipped(f.rel, 'unreadable', f.detail)
  if (staging.items === 0) throw new StrataError('IMPORT_NO_IMAGES', { path: folder, ignored: staging.skipped })
}
