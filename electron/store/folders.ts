import fs from 'node:fs'
import path from 'node:path'

/**
 * Creates a folder and its missing parents one level at a time. Node's `mkdirSync(…, { recursive: true })` never
 * returns where the system refuses a folder whose parent exists (`/proc/x`: it retries the parent forever); here
 * that refusal is thrown at once.
 */
export function makeFolders(folder: string): void {
  const missing: string[] = []
  for (let at = path.resolve(folder); !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at)
    if (path.dirname(at) === at) break
  }
  for (const dir of missing.reverse()) {
    try {
      fs.mkdirSync(dir)
    } catch (err) {
      // Made meanwhile by someone else: fine.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
}
