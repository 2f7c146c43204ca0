import path from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from '@playwright/test'
import { specToJson, type ModelSpec } from '../common/model/spec'
import { expect, test, type Studio } from './fixtures'

/** The newest saved version of the only model in a project, read straight from its database. */
function savedSpec(studio: Studio, project: string): ModelSpec {
  const db = new Database(path.join(studio.home, 'projects', `${project}.strata`, 'project.db'), { readonly: true })
  try {
    const row = db.prepare('SELECT spec FROM model_versions ORDER BY id DESC LIMIT 1').get() as { spec: string }
    return JSON.parse(row.spec) as ModelSpec
  } finally {
    db.close()
  }
}

/** Drags a palette layer onto the canvas at a point inside it. */
async function dropLayer(page: Page, type: string, at: { x: number; y: number }): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.getByTestId('canvas'), { targetPosition: at })
}

/** Replaces the whole text of the focused Monaco editor; drops anything its auto-closing added after the cursor. */
async function replaceEditorText(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.insertText(text)
  await page.keyboard.press('ControlOrMeta+Shift+End')
  await page.keyboard.press('Delete')
}

/** Connects the output handle of one node to the input handle of another with the mouse. */
async function connect(page: Page, from: string, to: string): Promise<void> {
  const source = page.getByTestId(`node-${from}`).getByTestId('handle-out')
  const target = page.getByTestId(`node-${to}`).getByTestId('handle-in')
  const a = (await source.boundingBox())!
  const b = (await target.boundingBox())!
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 })
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 })
  await page.mouse.up()
}

test('build a model by drag and drop, fix "needs Flatten" in one click, edit the Spec and see the graph follow', async ({ page, studio }) => {
  const cspViolations: string[] = []
  page.on('console', (msg) => {
    if (/Content.Security.Policy|Refused to/i.test(msg.text())) cspViolations.push(msg.text())
  })
  page.on('pageerror', (err) => cspViolations.push(`page error: ${err.message}`))
  const workers: string[] = []
  page.on('worker', (worker) => workers.push(worker.url()))

  await page.goto(studio.url)
  await page.getByTestId('project-name').fill('Digits')
  await page.getByTestId('create-project-submit').click()
  await expect(page.getByTestId('status-project')).toContainText('Digits')
  await page.getByTestId('nav-build').click()
  await page.getByTestId('blank-model').click()
  await expect(page.getByTestId('node-input_1')).toBeVisible()
  await expect(page.getByTestId('node-input_1').getByTestId('node-shape')).toHaveText('28×28×1')

  // Drag a Dense layer from the palette below the input, and connect them.
  const input = (await page.getByTestId('node-input_1').boundingBox())!
  const canvas = (await page.getByTestId('canvas').boundingBox())!
  await dropLayer(page, 'Dense', { x: input.x - canvas.x + input.width / 2, y: input.y - canvas.y + 200 })
  await expect(page.getByTestId('node-dense_1')).toBeVisible()
  await connect(page, 'input_1', 'dense_1')

  // Dense on an image is flagged in plain words, with a one-click fix.
  await expect(page.getByTestId('problem-needsFlatten')).toContainText('Dense needs a flat input but gets 28×28×1 — add Flatten before it.')
  await expect(page.getByTestId('node-dense_1').getByTestId('node-error')).toBeVisible()
  await expect(page.locator('.vue-flow__edge-text').first()).toHaveText('28×28×1')
  await page.getByTestId('fix-needsFlatten').click()

  await expect(page.getByTestId('node-flatten_1').getByTestId('node-shape')).toHaveText('784')
  await expect(page.getByTestId('node-dense_1').getByTestId('node-shape')).toHaveText('32')
  await expect(page.getByTestId('node-dense_1').getByTestId('node-error')).toHaveCount(0)
  await expect(page.getByTestId('total-params')).toHaveText('25,120')
  await expect(page.getByTestId('problem-needsFlatten')).toHaveCount(0)

  // The inspector edits a parameter; undo and redo replay it.
  await page.getByTestId('node-dense_1').click()
  await page.getByTestId('param-units').fill('64')
  await page.getByTestId('param-units').press('Enter')
  await expect(page.getByTestId('total-params')).toHaveText('50,240')
  await page.getByTestId('undo').click()
  await expect(page.getByTestId('total-params')).toHaveText('25,120')
  await page.getByTestId('redo').click()
  await expect(page.getByTestId('total-params')).toHaveText('50,240')
  await page.getByTestId('undo').click()
  await expect(page.getByTestId('total-params')).toHaveText('25,120')

  // Moving a layer is one undoable edit.
  const flatten = page.getByTestId('node-flatten_1')
  const start = (await flatten.boundingBox())!
  await page.mouse.move(start.x + 20, start.y + 10)
  await page.mouse.down()
  await page.mouse.move(start.x + 80, start.y + 10, { steps: 5 })
  await page.mouse.move(start.x + 140, start.y + 10, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => Math.round((await flatten.boundingBox())!.x - start.x)).toBeGreaterThan(60)
  await page.getByTestId('undo').click()
  await expect.poll(async () => Math.round((await flatten.boundingBox())!.x - start.x)).toBe(0)
  await expect(page.getByTestId('total-params')).toHaveText('25,120')

  // Autosave has stored the graph; edit its JSON in the Spec tab.
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved')
  const spec = savedSpec(studio, 'Digits')
  expect(spec.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Flatten'])
  spec.nodes.find((n) => n.id === 'dense_1')!.params.units = 10

  await page.getByTestId('tab-spec').click()
  const editor = page.getByTestId('code-spec').locator('.monaco-editor')
  await expect(editor).toBeVisible()
  await expect(page.getByTestId('code-spec').locator('.view-lines')).toContainText('strata.model/1')
  await editor.click()
  await replaceEditorText(page, '{ "format": "strata.model/1", "nodes": [ ], "edges": [ { "id": "e1", "source": "x", "target": "y" } ] }')
  await expect(page.getByTestId('spec-errors')).toContainText('edges.0.source')
  await replaceEditorText(page, specToJson(spec))
  await expect(page.getByTestId('spec-errors')).toHaveCount(0)

  await page.getByTestId('tab-graph').click()
  await expect(page.getByTestId('total-params')).toHaveText('7,850')
  await expect(page.getByTestId('node-dense_1').getByTestId('node-shape')).toHaveText('10')

  // The generated code follows the graph.
  await page.getByTestId('tab-keras').click()
  await expect(page.getByTestId('code-keras').locator('.view-lines')).toContainText('layers.Dense(units=10')
  await page.getByTestId('tab-graph').click()

  // Reopening restores the graph exactly.
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved')
  const before = savedSpec(studio, 'Digits')
  await page.reload()
  await page.getByTestId('nav-build').click()
  await page.getByTestId('open-model').first().click()
  await expect(page.getByTestId('total-params')).toHaveText('7,850')
  await expect(page.getByTestId('node-flatten_1')).toBeVisible()
  expect(savedSpec(studio, 'Digits')).toEqual(before)

  expect(cspViolations).toEqual([])
  // Monaco's workers ran from same-origin files.
  expect(workers.some((url) => url.startsWith(studio.origin) && /json\.worker/.test(url))).toBe(true)
})

test('a template fitted to its dataset shape shows shapes and the parameter count', async ({ page, studio }) => {
  await page.goto(studio.url)
  await page.getByTestId('project-name').fill('Cnn')
  await page.getByTestId('create-project-submit').click()
  await page.getByTestId('nav-build').click()
  await page.getByTestId('template-mnist-cnn').click()
  await expect(page.getByTestId('total-params')).toHaveText('225,034')
  await expect(page.getByTestId('node-conv2d_1').getByTestId('node-shape')).toHaveText('26×26×32')
  await expect(page.getByTestId('no-problems')).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('build-view.png') })
})
