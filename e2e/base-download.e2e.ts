import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { expect, test } from './fixtures'

const SHIPPED = path.resolve(__dirname, '..', 'resources', 'samples', 'shapes-base')

/**
 * A base of the project's own (the shipped shapes base, its network renamed so its content and id differ) served from a local
 * HTTP server: `/e2e-base/` at once, `/slow-base/` a chunk of its weights every 200 ms so progress and cancel show.
 */
async function serveBase(): Promise<{ origin: string; sha256: string; close: () => Promise<void> }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(SHIPPED, 'model.json'), 'utf8')) as { modelTopology: { config: { name: string } } }
  manifest.modelTopology.config.name = 'e2e_base'
  const modelJson = Buffer.from(JSON.stringify(manifest))
  const weights = fs.readFileSync(path.join(SHIPPED, 'weights.bin'))
  const sha256 = crypto.createHash('sha256').update(modelJson).update(weights).digest('hex')
  const server = http.createServer((req, res) => {
    const [, folder, file] = (req.url ?? '').split('/')
    if (!['e2e-base', 'slow-base'].includes(folder) || !['model.json', 'weights.bin'].includes(file)) return void res.writeHead(404).end()
    const body = file === 'model.json' ? modelJson : weights
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
    if (folder === 'e2e-base' || file === 'model.json') return void res.end(body)
    let at = 0
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer)
      res.write(body.subarray(at, at + 2048))
      at += 2048
      if (at >= body.length) {
        clearInterval(timer)
        res.end()
      }
    }, 200)
    res.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    sha256,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

test('download a base through the inspector: wrong checksum, unreachable, cancelled, then downloaded and chosen', async ({ page, studio }, testInfo) => {
  const served = await serveBase()
  try {
    await page.goto(studio.url)
    await page.getByTestId('open-sample-photos-pretrained').click()
    await expect(page.getByTestId('view-train')).toBeVisible()
    await page.getByTestId('nav-build').click()
    await page.getByTestId('open-model').first().click()
    const baseNode = page.getByTestId('node-pretrainedbase_1')
    await baseNode.click()
    const form = page.getByTestId('base-download')
    const options = page.getByTestId('param-base').locator('option')
    await expect(options).toHaveCount(2)
    await expect(page.getByTestId('param-base').locator('option:checked')).toHaveText('shapes-base')

    // Not a sha256 yet: nothing to send.
    await page.getByTestId('base-download-url').fill(`${served.origin}/e2e-base/model.json`)
    await page.getByTestId('base-download-sha').fill('abc')
    await expect(page.getByTestId('base-download-button')).toBeDisabled()

    // A wrong checksum: said plainly, nothing kept, the chosen base unchanged.
    await page.getByTestId('base-download-sha').fill('0'.repeat(64))
    await page.getByTestId('base-download-button').click()
    await expect(form.getByTestId('error')).toContainText('its checksum does not match')
    await expect(options).toHaveCount(2)
    await expect(page.getByTestId('param-base').locator('option:checked')).toHaveText('shapes-base')

    // An address that cannot be reached: the offline message, nothing changed.
    await page.getByTestId('base-download-url').fill(`http://127.0.0.1:${await closedPort()}/e2e-base/model.json`)
    await page.getByTestId('base-download-sha').fill(served.sha256)
    await page.getByTestId('base-download-button').click()
    await expect(form.getByTestId('error')).toContainText('cannot be reached (you may be offline)')
    await expect(options).toHaveCount(2)

    // A slow download shows its bytes and percentage and can be cancelled: nothing kept.
    await page.getByTestId('base-download-url').fill(`${served.origin}/slow-base/model.json`)
    await page.getByTestId('base-download-button').click()
    await expect(page.getByTestId('base-download-progress')).toBeVisible()
    await expect(page.getByTestId('base-download-bytes')).toContainText(/of .*\(\d+%\)/)
    await page.getByTestId('base-download-cancel').click()
    await expect(form.getByTestId('error')).toContainText('cancelled')
    await expect(page.getByTestId('base-download-progress')).toHaveCount(0)
    await expect(options).toHaveCount(2)
    await expect(page.getByTestId('param-base').locator('option:checked')).toHaveText('shapes-base')

    // The right address and checksum: downloaded, imported and chosen, with its layers' shapes.
    await page.getByTestId('base-download-url').fill(`${served.origin}/e2e-base/model.json`)
    await page.getByTestId('base-download-button').click()
    await expect(page.getByTestId('param-base').locator('option:checked')).toHaveText('e2e-base')
    await expect(form.getByTestId('error')).toHaveCount(0)
    await expect(options).toHaveCount(3)
    await expect(page.getByTestId('param-cutAt').locator('option', { hasText: 'pool2' })).toHaveText('pool2 (MaxPooling2D, 8×8×32)')
    await expect(baseNode.getByTestId('node-shape')).toHaveText('32')
    await expect(page.getByTestId('base-download-url')).toHaveValue('')
    await page.screenshot({ path: testInfo.outputPath('base-download.png') })
  } finally {
    await served.close()
  }
})
