import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { _electron as electron } from '@playwright/test'
import { electronBinary } from './electron-binary'
import { expect, test } from './fixtures'

const { binary, reason } = electronBinary()

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, `skipped: no Electron binary (${reason})`)

  test('opens the studio window with a sandboxed renderer and creates a project', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-electron-'))
    const app = await electron.launch({
      executablePath: binary,
      args: [path.resolve(__dirname, '..'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, STRATA_HOME: home }
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByTestId('view-home')).toBeVisible()
      const exposed = await page.evaluate(() => ({
        bridge: Object.keys((globalThis as unknown as { strata: object }).strata).sort(),
        node: typeof (globalThis as { process?: unknown }).process
      }))
      expect(exposed).toEqual({ bridge: ['invoke', 'on'], node: 'undefined' })
      await page.getByTestId('project-name').fill('Desk')
      await page.getByTestId('create-project-submit').click()
      await expect(page.getByTestId('recent-project')).toHaveText(['Desk'])
    } finally {
      await app.close()
      fs.rmSync(home, { recursive: true, force: true })
    }
  })
})
