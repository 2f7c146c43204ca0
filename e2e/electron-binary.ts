import fs from 'node:fs'
import { createRequire } from 'node:module'

/** The Electron executable installed with Strata, or why there is none. */
export function electronBinary(): { binary?: string; reason?: string } {
  try {
    const binary = createRequire(__filename)('electron') as unknown
    if (typeof binary === 'string' && fs.existsSync(binary)) return { binary }
    return { reason: 'the electron package has no binary' }
  } catch (err) {
    return { reason: String((err as Error).message).split('\n')[0] }
  }
}
