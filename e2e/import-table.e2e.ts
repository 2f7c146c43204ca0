import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, newProjectDataView, test } from './fixtures'

/** A small customer table: a number, a category, a yes/no column and the value to predict. */
function customersCsv(rows: number, offset = 0): string {
  const lines = ['age,plan,member,churn']
  for (let i = 0; i < rows; i++) lines.push(`${20 + ((i + offset) % 17)},${['basic', 'pro', 'team'][i % 3]},${i % 2 ? 'yes' : 'no'},${i % 4 ? 'stayed' : 'left'}`)
  return lines.join('\n') + '\n'
}

test('upload a CSV through the Data view, see its columns typed and pick the target; a file dropped on the window is imported too', async ({ page, studio }) => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-table-'))
  const file = path.join(folder, 'customers.csv')
  fs.writeFileSync(file, customersCsv(40))

  await newProjectDataView(page, studio, 'Churn')

  // Browser mode: the one file is uploaded through <input type=file>, then imported on the host.
  await page.getByTestId('import-file-input').setInputFiles(file)
  await expect(page.getByTestId('import-notice')).toContainText('Imported 40 items into "customers"')

  const preview = page.getByTestId('table-preview')
  await expect(preview).toBeVisible()
  // Each column card shows its detected type as a chip the user can change.
  for (const [column, type] of [['age', 'Number'], ['plan', 'Category'], ['member', 'Yes/No'], ['churn', 'Category']]) {
    await expect(page.getByTestId(`column-${column}`).getByTestId('column-type').locator('option:checked')).toHaveText(`${type} (detected)`)
  }
  await expect(page.getByTestId('target-select')).toHaveValue('churn')
  await expect(page.getByTestId('class-stayed').getByTestId('class-count')).toHaveText('30')
  await expect(page.getByTestId('preview-table').locator('tbody tr')).toHaveCount(40)
  await expect(page.getByTestId('preview-table').locator('tbody tr').first().locator('td')).toHaveText(['20', 'basic', 'no', 'left'])

  // Choosing another target relabels the rows.
  await page.getByTestId('target-select').selectOption('plan')
  await expect(page.getByTestId('class-team').getByTestId('class-count')).toHaveText('13')
  await expect(page.getByTestId('column-plan')).toHaveClass(/target/)

  // Changing a column's type is kept.
  await page.getByTestId('column-age').getByTestId('column-type').selectOption('categorical')
  await expect(page.getByTestId('column-age').getByTestId('column-type')).toHaveValue('categorical')

  // A file dropped anywhere on the window starts an import (the drop carries a real DataTransfer made in the page).
  const dropped = customersCsv(24, 7)
  const transfer = await page.evaluateHandle(
    `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(dropped)}], 'more-customers.csv', { type: 'text/csv' })); return t })()`
  )
  await page.dispatchEvent('body', 'dragover', { dataTransfer: transfer })
  await expect(page.getByTestId('drop-overlay')).toBeVisible()
  await page.dispatchEvent('body', 'drop', { dataTransfer: transfer })
  await expect(page.getByTestId('import-notice')).toContainText('Imported 24 items into "more-customers"')
  await expect(page.getByTestId('dataset-tab')).toHaveCount(2)
  fs.rmSync(folder, { recursive: true, force: true })
})
