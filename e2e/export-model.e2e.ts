import fs from 'node:fs'
import path from 'node:path'
import { strataJson } from './cli'
import { expect, test } from './fixtures'

const strata = (home: string, args: string[]) => strataJson(home, args)

test('export a trained model to ONNX from the Export view and see it verified', async ({ page, studio }) => {
  // A trained project made with the CLI, as a user with a terminal would.
  const folder = path.join(studio.home, 'projects', 'Churn')
  fs.mkdirSync(path.dirname(folder), { recursive: true })
  const { project } = (await strata(studio.home, ['new', folder])) as { project: { path: string } }
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 200; i++) rows.push(`${(i * 37) % 60},${['basic', 'plus', 'pro'][i % 3]},${(i * 11) % 8},${(i * 37) % 60 < 15 ? 'yes' : 'no'}`)
  fs.writeFileSync(path.join(studio.home, 'churn.csv'), rows.join('\n'))
  const { datasetId } = (await strata(studio.home, ['import', project.path, 'churn.csv', '--target', 'churned'])) as { datasetId: string }
  const { modelId } = (await strata(studio.home, ['model', project.path, '--template', 'tabular-classifier', '--input', '3', '--classes', '2'])) as { modelId: string }
  expect(await strata(studio.home, ['train', project.path, '--dataset', datasetId, '--model', modelId, '--epochs', '2'])).toMatchObject({ status: 'completed' })

  await page.goto(studio.url)
  await page.getByTestId('open-path').fill(project.path)
  await page.getByTestId('open-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText('Churn')

  await page.getByTestId('nav-export').click()
  await expect(page.getByTestId('view-export')).toBeVisible()
  await expect(page.getByTestId('export-result-onnx')).toHaveAttribute('data-status', 'none')
  for (const format of ['tfjs', 'keras', 'card', 'web']) await page.getByTestId(`export-format-${format}`).uncheck()
  await page.getByTestId('export-intended-use').fill('Flag customers who may leave, for a human to call.')
  await page.getByTestId('export-start').click()

  const onnx = page.getByTestId('export-result-onnx')
  await expect(onnx).toHaveAttribute('data-status', 'verified', { timeout: 60_000 })
  await expect(onnx.getByTestId('export-status')).toHaveText('verified')
  await expect(onnx.getByTestId('export-diff')).toContainText('Largest difference from the studio')
  expect(fs.existsSync(path.join(project.path, 'runs', '1', 'exports', 'onnx', 'model.onnx'))).toBe(true)

  // Browser mode: the export downloads as a zip archive.
  const download = page.waitForEvent('download')
  await onnx.getByTestId('export-download-onnx').click()
  expect((await download).suggestedFilename()).toBe('run-1-onnx.zip')

  // The card texts are kept with the run.
  await page.reload()
  await page.getByTestId('nav-export').click()
  await expect(page.getByTestId('export-intended-use')).toHaveValue('Flag customers who may leave, for a human to call.')
  await expect(page.getByTestId('export-result-onnx')).toHaveAttribute('data-status', 'verified')
})
