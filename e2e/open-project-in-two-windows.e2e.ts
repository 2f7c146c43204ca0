import fs from 'node:fs'
import path from 'node:path'
import { strataJson } from './cli'
import { expect, startStudio, stopStudio, test } from './fixtures'

test('open a project that another Strata window has open: refused with who and since; once that one is gone, opened and resumed', async ({ page, context, studio }) => {
  const folder = path.join(studio.home, 'projects', 'Churn')
  await strataJson(studio.home, ['new', folder])
  const rows = ['tenure,plan,calls,churned']
  for (let i = 0; i < 2000; i++) rows.push(`${(i * 37) % 60},${['basic', 'plus', 'pro'][i % 3]},${(i * 11) % 8},${(i * 37) % 60 < 15 ? 'yes' : 'no'}`)
  fs.writeFileSync(path.join(studio.home, 'churn.csv'), rows.join('\n'))
  await strataJson(studio.home, ['import', folder, path.join(studio.home, 'churn.csv'), '--target', 'churned'])
  await strataJson(studio.home, ['model', folder, '--template', 'tabular-classifier', '--input', '3', '--classes', '2'])
  const project = `${folder}.strata`

  // The first window opens the project and trains.
  await page.goto(studio.url)
  await page.getByTestId('open-path').fill(project)
  await page.getByTestId('open-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText('Churn')
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-epochs').fill('40')
  await page.getByTestId('train-batch-size').fill('8')
  await page.getByTestId('train-start').click()
  await expect.poll(async () => Number(await page.getByTestId('epoch-counter').getAttribute('data-epoch')), { timeout: 60_000 }).toBeGreaterThanOrEqual(1)

  // A second studio on the same computer and settings, in another tab.
  const second = await startStudio(studio.home)
  try {
    const other = await context.newPage()
    await other.goto(second.url)
    await other.getByTestId('open-path').fill(project)
    await other.getByTestId('open-project-submit').click()
    await expect(other.getByTestId('error')).toContainText('open in another Strata window since')
    await expect(other.getByTestId('status-project')).toHaveCount(0)

    // The first window's run was not touched: still training, not marked interrupted.
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'running')

    // The first studio dies without closing anything (its lock stays behind): the second takes the project over,
    // finds the run interrupted, and resumes it from its checkpoint to the end.
    studio.process.kill('SIGKILL')
    await new Promise((resolve) => studio.process.once('exit', resolve))
    await other.getByTestId('open-project-submit').click()
    await expect(other.getByTestId('status-project')).toContainText('Churn')
    await other.getByTestId('nav-train').click()
    await expect(other.getByTestId('run-status')).toHaveAttribute('data-status', 'interrupted')
    await other.getByTestId('train-resume').click()
    await expect(other.getByTestId('run-status')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 })
    await expect(other.getByTestId('epoch-counter')).toHaveAttribute('data-epoch', '40')
  } finally {
    await stopStudio(second)
  }
})
