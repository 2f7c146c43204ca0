import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Folder of a project's content-addressed files. */
export const BLOBS_DIR = 'blobs'
/** Folder of a project's grid thumbnails, named after the blob they show. */
export const THUMBS_DIR = 'thumbs'

/** The SHA-256 of some bytes, as lowercase hex: the name of their blob. */
export function hashBytes(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex')
}

/** Where a blob lives: `blobs/<hash[0:2]>/<hash>`. */
export function blobPath(root: string, hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`)
  return path.join(root, BLOBS_DIR, hash.slice(0, 2), hash)
}

/** Where a blob's thumbnail lives: `thumbs/<hash[0:2]>/<hash>.webp`. */
export function thumbPath(root: string, hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a blob hash: ${hash}`)
  return path.join(root, THUMBS_DIR, hash.slice(0, 2), `${hash}.webp`)
}

async function writeOnce(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await fs.promises.access(file)
    return
  } catch {
    // Not there yet: write it below.
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true })
  // Write then rename, so a crash never leaves a half blob under its final name.
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`
  await fs.promises.writeFile(tmp, bytes)
  await fs.promises.rename(tmp, file)
}

/** Stores bytes under their hash; storing the same bytes twice is a no-op. Returns the hash. */
export async function putBlob(root: string, bytes: Uint8Array, hash = hashBytes(bytes)): Promise<string> {
  await writeOnce(blobPath(root, hash), bytes)
  return hash
}

/** Stores a blob's thumbnail. */
export async function putThumb(root: string, hash: string, bytes: Uint8Array): Promise<void> {
  await writeOnce(thumbPath(root, hash), bytes)
}

/** The bytes of a stored blob. */
export function readBlob(root: string, hash: string): Promise<Buffer> {
  return fs.promises.readFile(blobPath(root, hash))
}

/** The bytes of a blob's thumbnail, or null when none was made. */
export async function readThumb(root: string, hash: string): Promise<Buffer | null> {
  try {
    return await fs.promises.readFile(thumbPath(root, hash))
  } catch {
    return null
  }
}
