import fs from 'node:fs'
import path from 'node:path'
import { TrainConfig } from '../common/contract/training'
import { emptySpec } from '../common/model/spec'
import { ModelStore } from '../electron/store/model-store'
import { openProject } from '../electron/store/project-folder'
import { addEpoch, createRun, setRunStatus } from '../electron/store/runs'
import { strataJson } from './cli'
import { expect, openProjectInStudio, test, type Studio } from './fixtures'

const strata = (studio: Studio, args: string[]) => strataJson(studio.home, args)

/** A project in the studio's projects folder with a churn table, a classifier and two finished runs. */
async function churnProject(studio: Studio): Promise<string> {
  const folder = path.join(studio.home, 'projects', 'Churn')
  await strata(studio, ['new', folder])
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 300; i++) {
    const tenure = (i * 37) % 60
    const calls = (i * 11) % 8
    rows.push(`${tenure},${['basic', 'plus', 'pro'][i % 3]},${calls},${tenure < 15 && calls > 2 ? 'yes' : 'no'}`)
  }
  const csv = path.join(studio.home, 'churn.csv')
  fs.writeFileSync(csv, rows.join('\n'))
  const { datasetId } = (await strata(studio, ['import', folder, csv, '--target', 'churned'])) as { datasetId: string }
  const { modelId } = (await strata(studio, ['model', folder, '--template', 'tabular-classifier', '--input', '3', '--classes', '2'])) as { modelId: string }
  await strata(studio, ['train', folder, '--dataset', datasetId, '--model', modelId, '--epochs', '4', '--lr', '0.01'])
  await strata(studio, ['train', folder, '--dataset', datasetId, '--model', modelId, '--epochs', '2', '--lr', '0.001'])
  return `${folder}.strata`
}

test('evaluate a model: evaluate, drill into a confusion-matrix cell, relabel, try it, and find the run in Experiments', async ({ page, studio }) => {
  const project = await churnProject(studio)
  await openProjectInStudio(page, studio, project)

  await page.getByTestId('nav-evaluate').click()
  await expect(page.getByTestId('view-evaluate')).toBeVisible()
  await expect(page.getByTestId('evaluate-empty')).toBeVisible()
  await page.getByTestId('evaluate-button').click()
  await expect(page.getByTestId('confusion-matrix')).toBeVisible()
  await expect(page.getByTestId('per-class-row')).toHaveCount(2)
  await expect(page.getByTestId('accuracy')).toContainText('%')
  await expect(page.getByTestId('roc-auc')).toBeVisible()
  await page.getByTestId('threshold-slider').fill('0.9')
  await expect(page.getByTestId('threshold-result')).toContainText('precision')

  // The largest cell (the diagonal of the majority class) always has items.
  await page.getByTestId('cell-0-0').click()
  await expect(page.getByTestId('cell-examples')).toBeVisible()
  const first = page.getByTestId('cell-example').first()
  await expect(first).toContainText('tenure=')
  await expect(first).toContainText('%')
  await first.getByTestId('relabel-select').selectOption('yes')
  await first.getByTestId('relabel').click()
  await expect(page.getByTestId('evaluate-stale')).toContainText('retrain')

  await expect(page.getByTestId('try-form')).toBeVisible()
  await page.getByTestId('try-field-tenure').fill('3')
  // Calls are counts (whole numbers with an order): a number field.
  await page.getByTestId('try-field-calls').fill('6')
  await page.getByTestId('try-predict').click()
  await expect(page.getByTestId('try-result')).toContainText(/Prediction: (yes|no)/)

  // Reopened, the stored results show at once, still marked stale.
  await page.reload()
  await expect(page.getByTestId('confusion-matrix')).toBeVisible()
  await expect(page.getByTestId('evaluate-stale')).toBeVisible()

  await page.getByTestId('nav-experiments').click()
  await expect(page.getByTestId('experiment-row')).toHaveCount(2)
  await expect(page.locator('[data-testid="experiment-row"][data-run-id="1"]')).toContainText('churn')
  await page.getByTestId('experiment-select').nth(0).check()
  await page.getByTestId('experiment-select').nth(1).check()
  await page.getByTestId('experiments-compare').click()
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-series', '2')
  await expect(page.getByTestId('settings-diff')).toContainText('learningRate')

  await page.locator('[data-testid="experiment-row"][data-run-id="2"]').click()
  await page.getByTestId('run-tags').fill('slow, baseline')
  await page.getByTestId('run-notes').fill('lower learning rate')
  await page.getByTestId('run-save').click()
  await expect(page.locator('[data-testid="experiment-row"][data-run-id="2"]')).toContainText('baseline')
  await page.getByTestId('run-delete').click()
  await page.getByTestId('confirm-delete-yes').click()
  await expect(page.getByTestId('experiment-row')).toHaveCount(1)
  expect(fs.existsSync(path.join(project, 'runs', '2'))).toBe(false)
})

test('the experiments table stays smooth with 500 runs: only visible rows exist, and scrolling reaches the last run', async ({ page, studio }) => {
  const folder = path.join(studio.home, 'projects', 'Many')
  await strata(studio, ['new', folder])
  const p = openProject(folder)
  const model = new ModelStore(p.db).create('MLP', emptySpec('MLP'), null)
  p.db.transaction(() => {
    for (let r = 0; r < 500; r++) {
      const id = createRun(p.db, { datasetId: 'd0', modelId: model.id, config: TrainConfig.parse({ epochs: 10, learningRate: 0.001 * (1 + (r % 5)) }) })
      for (let e = 1; e <= 10; e++) addEpoch(p.db, id, { epoch: e, metrics: { loss: 1 / e, acc: 0.5 + e / 25, val_loss: 1.2 / e, val_acc: 0.5 + e / 30 }, learningRate: 0.001, seconds: 1 })
      setRunStatus(p.db, id, 'completed')
    }
  })()
  p.close()

  await openProjectInStudio(page, studio, `${folder}.strata`)
  const started = Date.now()
  await page.getByTestId('nav-experiments').click()
  await expect(page.getByTestId('experiments-count')).toContainText('500 of 500')
  await expect(page.locator('[data-testid="experiment-row"][data-run-id="500"]')).toBeVisible()
  expect(Date.now() - started, 'the table shows within a second or two').toBeLessThan(3000)
  expect(await page.getByTestId('experiment-row').count(), 'virtualised: far fewer rows in the page than runs').toBeLessThan(60)

  await page.getByTestId('experiments-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight))
  await expect(page.locator('[data-testid="experiment-row"][data-run-id="1"]')).toBeVisible()
  expect(await page.getByTestId('experiment-row').count()).toBeLessThan(60)

  await page.getByTestId('experiments-search').fill('nothing matches this')
  await expect(page.getByTestId('experiments-count')).toContainText('0 of 500')
})
