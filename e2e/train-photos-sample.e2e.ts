import { expect, test } from './fixtures'

/**
 * The photos sample trains from Home with its own settings: the frozen base runs per batch because augmentation is on
 * (said in plain words), early stopping ends the run before its last epoch (said too), and both notes stay visible.
 */
test('photos sample → train with its settings → features note and early stop shown together', async ({ page, studio }, testInfo) => {
  await page.goto(studio.url)
  await page.getByTestId('open-sample-photos-pretrained').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 180_000 })

  await expect(page.getByTestId('features-note')).toContainText('augmentation')
  await expect(page.getByTestId('early-stopped')).toContainText('Stopped early at epoch')
  const stoppedAt = Number(await page.getByTestId('epoch-counter').getAttribute('data-epoch'))
  // The run's own epochs, which are the sample's (read from the form only now: it fills in after the view opens).
  const epochs = Number(await page.getByTestId('epoch-counter').getAttribute('data-epochs'))
  expect(epochs).toBe(Number(await page.getByTestId('train-epochs').inputValue()))
  expect(stoppedAt).toBeGreaterThan(0)
  expect(stoppedAt).toBeLessThan(epochs)
  await page.screenshot({ path: testInfo.outputPath('photos-sample-trained.png') })
})
