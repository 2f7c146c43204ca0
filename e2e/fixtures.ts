import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { expect, test as base, type Page } from '@playwright/test'

/** A headless studio started for one test, with its own empty data folder. */
export interface Studio {
  url: string
  origin: string
  token: string
  port: number
  /** The STRATA_HOME folder: settings under data/, new projects under projects/. */
  home: string
  process: ChildProcess
}

const ROOT = path.resolve(__dirname, '..')

/** Starts `strata serve --port 0 --json` (and `args`, such as `--allow-dir DIR`) and resolves once it prints its address. */
export async function startStudio(home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-')), args: readonly string[] = []): Promise<Studio> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'strata.js'), 'serve', '--port', '0', '--json', ...args], {
    env: { ...process.env, STRATA_HOME: home, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`strata serve exited with code ${code}`)))
  })
  const { url, port, token } = JSON.parse(first) as { url: string; port: number; token: string }
  return { url, port, token, origin: new URL(url).origin, home, process: child }
}

/** Stops a studio started by {@link startStudio}. */
export async function stopStudio(studio: Studio): Promise<void> {
  if (studio.process.exitCode !== null || studio.process.signalCode !== null) return
  const exited = new Promise((resolve) => studio.process.once('exit', resolve))
  studio.process.kill('SIGTERM')
  await exited
}

/** Playwright's `test` with a fresh `studio` per test; `test.use({ studioArgs })` adds arguments to `strata serve`. */
export const test = base.extend<{ studio: Studio; studioArgs: string[] }>({
  studioArgs: [[], { option: true }],
  studio: async ({ studioArgs }, use) => {
    const studio = await startStudio(undefined, studioArgs)
    await use(studio)
    await stopStudio(studio)
    fs.rmSync(studio.home, { recursive: true, force: true })
  }
})

/** Opens the studio, creates a project from Home and goes to its (empty) Data view. */
export async function newProjectDataView(page: Page, studio: Studio, name: string): Promise<void> {
  await page.goto(studio.url)
  await page.getByTestId('project-name').fill(name)
  await page.getByTestId('create-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText(name)
  await page.getByTestId('nav-data').click()
  await expect(page.getByTestId('view-data')).toBeVisible()
  await expect(page.getByTestId('no-datasets')).toBeVisible()
}

/** Opens a project folder in a studio's page from Home, and waits until the status bar names it. */
export async function openProjectInStudio(page: Page, studio: Studio, project: string): Promise<void> {
  await page.goto(studio.url)
  await page.getByTestId('open-path').fill(project)
  await page.getByTestId('open-project-submit').click()
  await expect(page.getByTestId('status-project')).toBeVisible()
}

export { expect }
