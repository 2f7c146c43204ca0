import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { makeImageFolder, writeTree } from '../electron/store/data.test-helpers'
import { expect, newProjectDataView, test } from './fixtures'

// The studio is started with this folder allowed (`strata serve --allow-dir`), so a path typed into it may be read.
const photos = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-images-'))
test.use({ studioArgs: ['--allow-dir', photos] })
test.afterAll(() => fs.rmSync(photos, { recursive: true, force: true }))

test('import a folder of images through the Data view and see class counts and thumbnails', async ({ page, studio }) => {
  const source = path.join(photos, 'shapes')
  await makeImageFolder(source, { circles: 5, squares: 3 }, ['jpeg', 'png', 'webp'])
  writeTree(source, { 'squares/broken.jpg': 'not really a jpeg', 'notes.txt': 'ignored' })

  await newProjectDataView(page, studio, 'Shapes')

  // Browser mode: the folder is uploaded through <input webkitdirectory>, then imported on the host.
  await page.getByTestId('import-folder-input').setInputFiles(source)
  await expect(page.getByTestId('import-notice')).toContainText('Imported 8 items')

  await expect(page.getByTestId('class-circles').getByTestId('class-count')).toHaveText('5')
  await expect(page.getByTestId('class-squares').getByTestId('class-count')).toHaveText('3')
  await expect(page.getByTestId('split-summary')).toContainText('Train')
  await expect(page.getByTestId('health-unreadable')).toBeVisible()

  const thumb = page.getByTestId('thumb-img').first()
  await expect(thumb).toBeVisible()
  expect(await thumb.getAttribute('src')).toMatch(/^data:image\/webp;base64,/)
  expect(await thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0)

  // Filtering by class shows only that class's thumbnails.
  await page.getByTestId('class-squares').getByRole('button').click()
  await expect(page.getByTestId('thumb')).toHaveCount(3)

  // The same folder typed as a path on this machine is recognised as already imported.
  await page.getByTestId('import-path').fill(source)
  await page.getByTestId('import-path-submit').click()
  await expect(page.getByTestId('import-notice')).toContainText('already imported')
  await expect(page.getByTestId('dataset-tab')).toHaveCount(1)

  // A folder the studio was not told about is refused, with how to allow it.
  const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-elsewhere-'))
  await makeImageFolder(path.join(elsewhere, 'shapes'), { circles: 2, squares: 2 })
  await page.getByTestId('import-path').fill(path.join(elsewhere, 'shapes'))
  await page.getByTestId('import-path-submit').click()
  await expect(page.getByTestId('import-panel').getByTestId('error')).toContainText('--allow-dir')
  await expect(page.getByTestId('dataset-tab')).toHaveCount(1)
  fs.rmSync(elsewhere, { recursive: true, force: true })
})
