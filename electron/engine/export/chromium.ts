import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser } from 'playwright-core'

/** Where Chromium is: STRATA_CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium'
}

/**
 * Runs `work` with a headless Chromium (through playwright-core, loaded only when needed), or says why it cannot:
 * no Chromium at {@link chromiumPath}, or no playwright-core installed.
 */
export async function withChromium<T>(work: (browser: Browser) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const executablePath = chromiumPath()
  if (!fs.existsSync(executablePath)) return { ok: false, reason: `no Chromium at ${executablePath}` }
  let chromium: typeof import('playwright-core').chromium
  try {
    // Loaded at run time, never bundled: the studio runs without it and says so.
    chromium = (createRequire(__filename)('playwright-core') as typeof import('playwright-core')).chromium
  } catch {
    return { ok: false, reason: 'playwright-core is not installed' }
  }
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  try {
    return { ok: true, value: await work(browser) }
  } finally {
    await browser.close()
  }
}
