import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from './fixtures'

/** The shipped samples: the studio is started with this folder allowed, so the base's path may be typed. */
const SAMPLES = path.resolve(__dirname, '..', 'resources', 'samples')
test.use({ studioArgs: ['--allow-dir', SAMPLES] })

/**
 * Transfer learning in the builder: the photos sample comes with its pretrained base; the inspector shows the base's
 * cut, shapes and frozen weights, unfreezing a layer changes what trains, and a base is imported from a path or uploaded.
 */
test('photos sample → pretrained base in the inspector → cut, unfreeze and import a base', async ({ page, studio }, testInfo) => {
  await page.goto(studio.url)
  await expect(page.getByTestId('sample-photos-pretrained')).toBeVisible()
  await page.getByTestId('open-sample-photos-pretrained').click()
  await expect(page.getByTestId('status-project')).toContainText('Photos, two classes, pretrained base')
  await expect(page.getByTestId('view-train')).toBeVisible()

  await page.getByTestId('nav-build').click()
  await page.getByTestId('open-model').first().click()
  const base = page.getByTestId('node-pretrainedbase_1')
  await expect(base.getByTestId('node-shape')).toHaveText('32')
  await expect(page.getByTestId('node-error')).toHaveCount(0)

  // The shipped base: three convolutions with batch norm (16, 32, 32 filters), frozen, cut at its "features" layer.
  const baseParams = 3 * 9 * 16 + 16 + 4 * 16 + (16 * 9 * 32 + 32) + 4 * 32 + (32 * 9 * 32 + 32) + 4 * 32
  await base.click()
  await expect(page.getByTestId('inspector-type')).toHaveText('PretrainedBase')
  await expect(page.getByTestId('param-base').locator('option:checked')).toHaveText('shapes-base')
  await expect(page.getByTestId('inspector-params')).toHaveText(baseParams.toLocaleString('en-US'))
  await expect(page.getByTestId('inspector-frozen')).toHaveText(baseParams.toLocaleString('en-US'))

  // Unfreezing the last convolution and its batch norm leaves the first ones frozen.
  await page.getByTestId('param-unfreeze').fill('2')
  await page.getByTestId('param-unfreeze').press('Enter')
  await expect(page.getByTestId('inspector-frozen')).toHaveText((baseParams - (32 * 9 * 32 + 32) - 4 * 32).toLocaleString('en-US'))

  // Cutting earlier gives an image-shaped output: the head now needs Flatten, said in plain words.
  await page.getByTestId('param-cutAt').selectOption('pool2')
  await expect(base.getByTestId('node-shape')).toHaveText('8×8×32')
  await expect(page.getByTestId('problem-needsFlatten')).toBeVisible()
  await page.getByTestId('undo').click()
  await expect(base.getByTestId('node-shape')).toHaveText('32')

  // A folder outside the allowed places is refused; a missing one is said plainly; the shipped base imports (same
  // content, same base).
  await page.getByTestId('base-import-path').fill(path.join(studio.home, 'broken-base'))
  await page.getByTestId('base-import-button').click()
  await expect(page.getByTestId('base-import').getByTestId('error')).toContainText('--allow-dir')
  await page.getByTestId('base-import-path').fill(path.join(SAMPLES, 'nothing-here'))
  await page.getByTestId('base-import-button').click()
  await expect(page.getByTestId('base-import').getByTestId('error')).toContainText('Nothing was found at')
  const shipped = path.join(SAMPLES, 'shapes-base')
  await page.getByTestId('base-import-path').fill(shipped)
  await page.getByTestId('base-import-button').click()
  await expect(page.getByTestId('base-import').getByTestId('error')).toHaveCount(0)
  await expect(page.getByTestId('param-base').locator('option')).toHaveCount(2)

  // In the browser a model folder is picked and uploaded: a copy with one weight file missing is refused plainly.
  const broken = path.join(studio.home, 'broken-base')
  fs.mkdirSync(broken, { recursive: true })
  fs.copyFileSync(path.join(shipped, 'model.json'), path.join(broken, 'model.json'))
  await page.getByTestId('base-upload-input').setInputFiles(broken)
  await expect(page.getByTestId('base-import').getByTestId('error')).toContainText('weight file weights.bin is missing')
  await page.getByTestId('base-upload-input').setInputFiles(shipped)
  await expect(page.getByTestId('base-import').getByTestId('error')).toHaveCount(0)
  await expect(page.getByTestId('param-base').locator('option')).toHaveCount(2)
  await page.screenshot({ path: testInfo.outputPath('pretrained-base-inspector.png') })
})
