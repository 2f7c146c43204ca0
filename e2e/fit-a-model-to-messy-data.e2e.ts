import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { strataJson } from './cli'
import { expect, newProjectDataView, openProjectInStudio, test, type Studio } from './fixtures'

/** Iris-shaped rows: four measurements and three species. */
function irisCsv(): string {
  const rows = ['sepal_length,sepal_width,petal_length,petal_width,species']
  for (let i = 0; i < 90; i++) {
    const k = i % 3
    rows.push([(5 + k * 0.7 + (i % 5) * 0.1).toFixed(1), (3.2 - k * 0.2 + (i % 4) * 0.1).toFixed(1), (1.4 + k * 2.2 + (i % 3) * 0.2).toFixed(1), (0.2 + k * 0.8 + (i % 2) * 0.1).toFixed(1), ['setosa', 'versicolor', 'virginica'][k]].join(','))
  }
  return rows.join('\n') + '\n'
}

/** Penguins-shaped rows: sex has a "." and empty cells; 4 rows have no species. */
function penguinsCsv(): string {
  const rows = ['species,island,bill_length_mm,sex']
  for (let i = 0; i < 48; i++) {
    const species = i % 12 === 5 ? '' : ['Adelie', 'Gentoo', 'Chinstrap'][i % 3]
    rows.push([species, ['Biscoe', 'Dream'][i % 2], (38 + (i % 9) * 1.1).toFixed(1), i === 7 ? '.' : i === 9 ? '' : i % 2 ? 'MALE' : 'FEMALE'].join(','))
  }
  return rows.join('\n') + '\n'
}

test('fit a model to its data: Build shows the shapes that train, a head that cannot learn the target is a problem, Train refuses it and offers the fix', async ({ page, studio }) => {
  const folder = path.join(studio.home, 'projects', 'Flowers')
  await strataJson(studio.home, ['new', folder])
  const csv = path.join(studio.home, 'iris.csv')
  fs.writeFileSync(csv, irisCsv())
  await strataJson(studio.home, ['import', folder, csv, '--target', 'species'])
  await openProjectInStudio(page, studio, `${folder}.strata`)

  await page.getByTestId('nav-build').click()
  // Build is fitted to the project's dataset: four encoded features, three species.
  await expect(page.getByTestId('build-dataset-fit')).toHaveAttribute('data-shape', '4')
  await expect(page.getByTestId('build-dataset-fit')).toHaveAttribute('data-task', 'classification')
  await expect(page.getByTestId('template-tabular-classifier')).toContainText('4 → classification')

  // A blank model starts at the dataset's input, not 28×28×1.
  await page.getByTestId('blank-model').click()
  await expect(page.getByTestId('node-input_1').getByTestId('node-shape')).toHaveText('4')
  await page.getByTestId('back-to-models').click()

  // The regressor template, fitted to the dataset, predicts the species; with a regression head it cannot.
  await page.getByTestId('template-tabular-regressor').click()
  await expect(page.getByTestId('node-input_1').getByTestId('node-shape')).toHaveText('4')
  await expect(page.getByTestId('no-problems')).toBeVisible()
  await page.getByTestId('task-kind').selectOption('regression')
  await expect(page.getByTestId('problem-taskMismatch')).toContainText('asks for classification')
  await page.getByTestId('fix-taskMismatch').click()
  await expect(page.getByTestId('problem-taskMismatch')).toHaveCount(0)
  await expect(page.getByTestId('task-kind')).toHaveValue('classification')
  await expect(page.getByTestId('no-problems')).toBeVisible()

  // An input that no longer matches the dataset says so.
  await page.getByTestId('node-input_1').click()
  await page.getByTestId('param-shape').fill('8')
  await page.getByTestId('param-shape').press('Enter')
  await expect(page.getByTestId('problem-inputShapeDataset')).toContainText('training feeds 4')
  await page.getByTestId('fix-inputShapeDataset').click()
  await expect(page.getByTestId('problem-inputShapeDataset')).toHaveCount(0)

  // Saved with a regression head, the model is refused at Train, and the fix is offered there.
  await page.getByTestId('task-kind').selectOption('regression')
  await expect(page.getByTestId('problem-taskMismatch')).toBeVisible()
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved')
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-model').selectOption({ label: 'Table regressor' })
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('error')).toContainText('cannot learn it')
  await expect(page.getByTestId('run-status')).toHaveCount(0)
  await page.getByTestId('train-fit-model').click()
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 90_000 })
  await expect(page.getByTestId('error')).toHaveCount(0)
})

test('import a messy table: missing spellings shown and reversible, why each type, rows without a value to predict dropped in one click', async ({ page, studio }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-messy-'))
  const file = path.join(dir, 'penguins.csv')
  fs.writeFileSync(file, penguinsCsv())
  await newProjectDataView(page, studio, 'Birds')
  await page.getByTestId('import-file-input').setInputFiles(file)
  await expect(page.getByTestId('import-notice')).toContainText('Imported 48 items')

  const sex = page.getByTestId('column-sex')
  await expect(sex).toContainText('2 missing')
  await expect(sex.getByTestId('missing-token-.')).toHaveText('"." ×1')
  await expect(page.getByTestId('column-bill_length_mm').getByTestId('column-reason')).toHaveText('numbers with decimals')
  await expect(page.getByTestId('health-missingSpellings')).toContainText('"." ×1')

  // "." is a real value here after all: the column reads it as one, then back.
  await sex.getByTestId('missing-token-.').click()
  await expect(sex).toContainText('1 missing')
  await expect(sex.getByTestId('column-missing-reset')).toBeVisible()
  await sex.getByTestId('column-missing-reset').click()
  await expect(sex).toContainText('2 missing')

  // Rows without a species are in no split; Health drops them in one click.
  await expect(page.getByTestId('target-select')).toHaveValue('species')
  await expect(page.getByTestId('unlabelled-count')).toContainText('4 rows')
  await expect(page.getByTestId('health-targetMissing')).toContainText('4 rows have no value')
  await page.getByTestId('health-targetMissing').getByTestId('health-fix').click()
  await expect(page.getByTestId('health-targetMissing')).toHaveCount(0)
  await expect(page.getByTestId('unlabelled-count')).toHaveCount(0)
  await expect(page.getByTestId('dataset-tab')).toContainText('44 items')
  fs.rmSync(dir, { recursive: true, force: true })
})
