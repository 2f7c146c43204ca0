import fs from 'node:fs'
import path from 'node:path'
import { numberInputBounds } from '../common/contract/define'
import { OptimizerId, TrainConfig } from '../common/contract/training'
import { strataJson } from './cli'
import { expect, test } from './fixtures'

test('start training from the Train view and watch the curve gain points and the epoch counter advance', async ({ page, studio }) => {
  // A founder's churn spreadsheet and a tabular model, prepared with the CLI in the studio's projects folder.
  const project = path.join(studio.home, 'projects', 'Churn')
  await strataJson(studio.home, ['new', project])
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 2000; i++) {
    const tenure = (i * 37) % 60
    const calls = (i * 11) % 8
    rows.push(`${tenure},${['basic', 'plus', 'pro'][i % 3]},${calls},${tenure < 15 && calls > 2 ? 'yes' : 'no'}`)
  }
  fs.writeFileSync(path.join(studio.home, 'churn.csv'), rows.join('\n'))
  await strataJson(studio.home, ['import', project, path.join(studio.home, 'churn.csv'), '--target', 'churned'])
  await strataJson(studio.home, ['model', project, '--template', 'tabular-classifier', '--input', '3', '--classes', '2'])

  await page.goto(studio.url)
  await page.getByTestId('open-path').fill(project + '.strata')
  await page.getByTestId('open-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText('Churn')

  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('train-dataset')).not.toHaveValue('')
  // The settings form offers what the run's settings schema accepts: its bounds and its optimisers.
  const epochs = numberInputBounds(TrainConfig.shape.epochs)
  await expect(page.getByTestId('train-epochs')).toHaveAttribute('min', String(epochs.min))
  await expect(page.getByTestId('train-epochs')).toHaveAttribute('max', String(epochs.max))
  await expect(page.getByTestId('train-batch-size')).toHaveAttribute('max', String(numberInputBounds(TrainConfig.shape.batchSize).max))
  expect(await page.getByTestId('train-optimizer').locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toEqual(OptimizerId.options)
  await page.getByTestId('train-epochs').fill('8')
  await page.getByTestId('train-batch-size').fill('8')
  await page.getByTestId('train-start').click()

  await expect(page.getByTestId('run-backend')).toBeVisible()
  await expect(page.getByTestId('learning-curves')).toHaveAttribute('data-points', /^[1-9]/)
  const firstCount = Number(await page.getByTestId('learning-curves').getAttribute('data-points'))
  await expect.poll(async () => Number(await page.getByTestId('learning-curves').getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(firstCount)
  await expect.poll(async () => Number(await page.getByTestId('epoch-counter').getAttribute('data-epoch')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
  await expect(page.getByTestId('batch-loss-chart')).toHaveAttribute('data-points', /^[1-9]/)
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 })

  // Reopening the run shows the same curve from the project database.
  await page.reload()
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('learning-curves')).toHaveAttribute('data-points', '8')
})
