// Takes the README's screenshot: the studio in Debian's Chromium, served by the headless host with a sample project.
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  await page.goto(url)
  await page.getByTestId('project-name').fill('Defect detector')
  await page.getByTestId('create-project-submit').click()
  await page.getByTestId('backend-active').waitFor()
  await page.getByTestId('backend-why').click()
  const out = path.join(root, 'resources', 'screenshots', 'home.png')
  await page.screenshot({ path: out })
  console.log(`wrote ${path.relative(root, out)}`)
} finally {
  await browser.close()
  host.kill('SIGTERM')
  fs.rmSync(home, { recursive: true, force: true })
}
