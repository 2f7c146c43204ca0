import fs from 'node:fs'
import path from 'node:path'
import { expect, test } from './fixtures'

test('create a project from Home, see it in the recent list, reload, still there', async ({ page, studio }) => {
  await page.goto(studio.url)
  await expect(page.getByTestId('view-home')).toBeVisible()
  await expect(page.getByTestId('recent-empty')).toBeVisible()

  await page.getByTestId('project-name').fill('Defect detector')
  await page.getByTestId('create-project-submit').click()
  await expect(page.getByTestId('notice')).toContainText('Defect detector')
  await expect(page.getByTestId('recent-project')).toHaveText(['Defect detector'])
  await expect(page.getByTestId('status-project')).toContainText('Defect detector')

  // The project exists on disk in the documented format.
  const folder = path.join(studio.home, 'projects', 'Defect detector.strata')
  expect(fs.existsSync(path.join(folder, 'project.db'))).toBe(true)
  expect(fs.existsSync(path.join(folder, 'blobs'))).toBe(true)

  await page.reload()
  await expect(page.getByTestId('recent-project')).toHaveText(['Defect detector'])
  await expect(page.getByTestId('status-project')).toContainText('Defect detector')
})

test('a second project with the same name is refused in plain words and nothing is lost', async ({ page, studio }) => {
  await page.goto(studio.url)
  await page.getByTestId('project-name').fill('Churn')
  await page.getByTestId('create-project-submit').click()
  await expect(page.getByTestId('notice')).toContainText('Churn')
  await page.getByTestId('project-name').fill('Churn')
  await page.getByTestId('create-project-submit').click()
  await expect(page.getByTestId('error')).toContainText('A project already exists')
  await expect(page.getByTestId('recent-project')).toHaveText(['Churn'])
})

test('the status bar names the training backend and explains the missing faster ones', async ({ page, studio }) => {
  await page.goto(studio.url)
  await expect(page.getByTestId('backend-active')).toHaveAttribute('data-backend', /^(node-gpu|node|wasm|cpu)$/)
  const chosen = await page.getByTestId('backend-active').getAttribute('data-backend')
  if (chosen === 'node-gpu') return // nothing faster to explain
  await page.getByTestId('backend-why').click()
  await expect(page.getByTestId('backend-node-gpu')).toHaveAttribute('data-available', 'false')
  await expect(page.getByTestId('backend-node-gpu')).toContainText(/not installed|No NVIDIA GPU|failed to load/)
})

test('the language can be switched to Simplified Chinese and stays after a reload', async ({ page, studio }) => {
  await page.goto(studio.url)
  await page.getByTestId('language').selectOption('zh-CN')
  await expect(page.getByTestId('nav-home')).toHaveText('首页')
  await page.reload()
  await expect(page.getByTestId('nav-data')).toHaveText('数据')
})
