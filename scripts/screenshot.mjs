// Takes the README's screenshots: a sample project trained and judged in the studio, in Debian's Chromium, served by
// the headless host.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-shot-'))
const host = spawn(process.execPath, [path.join(root, 'bin', 'strata.js'), 'serve', '--port', '0', '--json'], {
  env: { ...process.env, STRATA_HOME: home, LANG: 'en_US.UTF-8' },
  stdio: ['ignore', 'pipe', 'inherit']
})
const { url } = JSON.parse(await new Promise((resolve) => createInterface({ input: host.stdout }).once('line', resolve)))
const browser = await chromium.launch({ executablePath: process.env.STRATA_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
  await page.goto(url)
  // A real trained sample: open Customer churn, train it with its recommended settings, judge it.
  await page.getByTestId('open-sample-customer-churn').click()
  await page.getByTestId('train-start').click()
  await page.locator('[data-testid=run-status][data-status=completed]').waitFor({ timeout: 300_000 })
  await page.screenshot({ path: path.join(root, 'resources', 'screenshots', 'train.png') })
  await page.getByTestId('nav-evaluate').click()
  await page.getByTestId('evaluate-button').click()
  await page.getByTestId('confusion-matrix').waitFor({ timeout: 120_000 })
  await page.waitForTimeout(500)
  const out = path.join(root, 'resources', 'screenshots', 'evaluate.png')
  await page.screenshot({ path: out })
  console.log(`wrote ${path.relative(root, out)}`)
} finally {
  await browser.close()
  host.kill('SIGTERM')
  fs.rmSync(home, { recursive: true, force: true })
}
