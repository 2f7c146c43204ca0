import fs from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { dispatch } from '../../common/contract'
import { makeImageFolder, tempDir } from '../store/data.test-helpers'
import type { Services } from './index'
import { testServices } from './services.test-helpers'

let dir: string
let services: Services
beforeEach(() => {
  dir = tempDir()
  services = testServices(dir, () => undefined)
})
afterEach(() => {
  services.dispose()
  fs.rmSync(dir, { recursive: true, force: true })
})

it('shows training images as augmentation changes them, and unchanged when nothing is asked', async () => {
  await dispatch(services.handlers, 'project:create', { name: 'Photos' }, undefined)
  await makeImageFolder(path.join(dir, 'photos'), { ok: 6, defect: 6 })
  const imported = await dispatch(services.handlers, 'dataset:import', { path: path.join(dir, 'photos') }, undefined)
  if (!imported.ok) throw new Error(imported.error.message)
  const { datasetId } = imported.value as { datasetId: string }
  const none = { flip: false, rotationDegrees: 0, zoom: 0, shear: 0, brightness: 0 }
  const preview = async (augmentation: typeof none) => {
    const r = await dispatch(services.handlers, 'training:augmentation-preview', { datasetId, augmentation, count: 4 }, undefined)
    if (!r.ok) throw new Error(r.error.message)
    return (r.value as { images: string[] }).images
  }
  const plain = await preview(none)
  const rotated = await preview({ ...none, rotationDegrees: 40, zoom: 0.2 })
  expect(plain).toHaveLength(4)
  expect(rotated).toHaveLength(4)
  for (const src of [...plain, ...rotated]) expect(src).toMatch(/^data:image\/png;base64,/)
  expect(rotated).not.toEqual(plain)
  expect(await preview(none)).toEqual(plain)
})
