import fs from 'node:fs'
import path from 'node:path'
import { strataJson } from './cli'
import { expect, test } from './fixtures'

/** Class names a spreadsheet may well hold, written like HTML: they must show as text everywhere, tooltips included. */
const CLASSES = ['<img src=x id=injected-img>', '<b id=injected-b>bold</b>']

test('evaluate a model whose class names look like HTML: the confusion matrix tooltip shows them as text', async ({ page, studio }) => {
  const folder = path.join(studio.home, 'projects', 'Tags')
  await strataJson(studio.home, ['new', folder])
  const rows = ['tenure,calls,tag']
  for (let i = 0; i < 300; i++) rows.push(`${(i * 37) % 60},${(i * 11) % 8},${(i * 37) % 60 < 25 ? CLASSES[0] : CLASSES[1]}`)
  fs.writeFileSync(path.join(studio.home, 'tags.csv'), rows.join('\n'))
  const { datasetId } = await strataJson<{ datasetId: string }>(studio.home, ['import', folder, path.join(studio.home, 'tags.csv'), '--target', 'tag'])
  const { modelId } = await strataJson<{ modelId: string }>(studio.home, ['model', folder, '--template', 'tabular-classifier', '--input', '2', '--classes', '2'])
  await strataJson(studio.home, ['train', folder, '--dataset', datasetId, '--model', modelId, '--epochs', '2'])

  await page.goto(studio.url)
  await page.getByTestId('open-path').fill(`${folder}.strata`)
  await page.getByTestId('open-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText('Tags')
  await page.getByTestId('nav-evaluate').click()
  await page.getByTestId('evaluate-button').click()
  const chart = page.getByTestId('confusion-matrix')
  await expect(chart).toBeVisible()

  // Hover each quarter of the 2×2 heatmap until its tooltip shows.
  const box = (await chart.boundingBox())!
  const tooltip = chart.locator('div').filter({ hasText: 'called' }).last()
  for (const [fx, fy] of [[0.6, 0.3], [0.8, 0.3], [0.6, 0.6], [0.8, 0.6]]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy)
    if (await tooltip.isVisible().catch(() => false)) break
  }
  await expect(tooltip).toBeVisible()
  await expect(tooltip).toContainText(/<(img src=x id=injected-img|b id=injected-b)>/)
  await expect(page.locator('#injected-img, #injected-b')).toHaveCount(0)
})
