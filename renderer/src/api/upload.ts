import { MAX_UPLOAD_BATCH_CHARS } from '../../../common/contract/dataset'
import { invoke } from './client'

/** A file the user picked or dropped, with its path inside the chosen folder. */
export interface PickedFile {
  relativePath: string
  file: File
}

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'))
    reader.readAsDataURL(file)
  })
}

/**
 * Sends files to the project's upload folder in batches that stay under the host's message cap
 * (a file too big for one batch goes alone); calls back after each batch with how many are done.
 */
export async function uploadFiles(uploadId: string, files: readonly PickedFile[], onProgress: (done: number) => void): Promise<void> {
  let batch: Array<{ path: string; base64: string }> = []
  let size = 0
  let done = 0
  const flush = async (): Promise<void> => {
    if (!batch.length) return
    await invoke('dataset:upload', { uploadId, files: batch })
    done += batch.length
    batch = []
    size = 0
    onProgress(done)
  }
  for (const f of files) {
    const base64 = await toBase64(f.file)
    if (size + base64.length > MAX_UPLOAD_BATCH_CHARS) await flush()
    batch.push({ path: f.relativePath, base64 })
    size += base64.length
  }
  await flush()
}

/**
 * Collects the files of a drop, walking dropped folders (their names kept as the first path part). A dropped file
 * that offers no file-system entry (browsers without entries, a drop made by a page script) is taken as it is.
 */
export async function filesFromDrop(items: DataTransferItemList): Promise<PickedFile[]> {
  // Items can only be read during the drop event itself: collect entries and plain files before any await.
  const entries: FileSystemEntry[] = []
  const out: PickedFile[] = []
  for (const item of [...items]) {
    if (item.kind !== 'file') continue
    const entry = item.webkitGetAsEntry?.()
    const file = entry ? null : item.getAsFile()
    if (entry) entries.push(entry)
    else if (file) out.push({ relativePath: file.name, file })
  }
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
      out.push({ relativePath: prefix + entry.name, file })
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader()
      // readEntries returns at most ~100 entries per call: read until it returns none.
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
        if (!batch.length) break
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`)
      }
    }
  }
  for (const e of entries) await walk(e, '')
  return out
}

/** The files of an `<input type=file>` (with webkitdirectory, each keeps its path inside the folder). */
export function filesFromInput(list: FileList): PickedFile[] {
  return [...list].map((file) => ({ relativePath: file.webkitRelativePath || file.name, file }))
}
