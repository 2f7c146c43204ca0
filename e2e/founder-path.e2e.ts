import { expect, test } from './fixtures'

/**
 * The founder's path through the studio on a sample: Home → open the handwritten-digits sample → train briefly →
 * Evaluate (confusion matrix) → Export ONNX → "verified". A screenshot of every step is kept with the test output.
 */
test('fresh start → digits sample → train → evaluate → export ONNX verified', async ({ page, studio }, testInfo) => {
  test.setTimeout(300_000)
  const shot = async (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true })

  await page.goto(studio.url)
  await expect(page.getByTestId('recent-empty')).toBeVisible()
  await expect(page.getByTestId('sample-digits-mlp')).toBeVisible()
  await shot('1-home')

  // The smaller version of the sample: a few thousand digits, so this path takes about a minute.
  await page.getByTestId('sample-quick').check()
  await page.getByTestId('open-sample-digits-mlp').click()
  await expect(page.getByTestId('view-train')).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('status-project')).toContainText('Handwritten digits')
  await expect(page.getByTestId('train-epochs')).toHaveValue('3')
  await shot('2-sample-opened')

  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 })
  await shot('3-trained')

  await page.getByTestId('nav-evaluate').click()
  await page.getByTestId('evaluate-button').click()
  await expect(page.getByTestId('confusion-matrix')).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('per-class-row')).toHaveCount(10)
  await expect(page.getByTestId('accuracy')).toContainText('%')
  await shot('4-evaluated')

  await page.getByTestId('nav-export').click()
  for (const format of ['tfjs', 'keras', 'card', 'web']) await page.getByTestId(`export-format-${format}`).uncheck()
  await page.getByTestId('export-start').click()
  await expect(page.getByTestId('export-result-onnx')).toHaveAttribute('data-status', 'verified', { timeout: 120_000 })
  await shot('5-exported')
})
