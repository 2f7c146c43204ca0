import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { applyChange } from '../../common/model/changes'
import { readSchemaVersion } from '../store/project-db'
import { createProject, openProject, type OpenProject } from '../store/project-folder'
import { ModelService } from './model-service'

const opened: OpenProject[] = []
afterEach(() => {
  for (const p of opened.splice(0)) {
    p.close()
    fs.rmSync(p.root, { recursive: true, force: true })
  }
})

function project(): OpenProject {
  const p = createProject(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-models-')), 'Models'), 'Models')
  opened.push(p)
  return p
}

describe('models are saved as versions in project.db', () => {
  it('the models migration is applied to new projects', () => {
    const p = project()
    expect(readSchemaVersion(p.db)).toBeGreaterThanOrEqual(3)
    const tables = p.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'model%' ORDER BY name`).all()
    expect(tables).toEqual([{ name: 'model_versions' }, { name: 'models' }])
  })

  it('reopening the project restores the graph and positions exactly', () => {
    const p = project()
    const service = new ModelService({ require: () => p })
    const created = service.create({ template: 'mnist-cnn', name: 'Digits' })
    const moved = applyChange(created.spec, { kind: 'moveNode', id: 'dense_1', position: { x: 12.5, y: -3.25 } }).spec
    expect(service.save(created.id, moved)).toMatchObject({ version: 2, changed: true })
    p.close()

    const again = openProject(p.root)
    opened.push(again)
    const reopened = new ModelService({ require: () => again })
    const model = reopened.get(created.id)
    expect(model.version).toBe(2)
    expect(model.spec).toEqual(moved)
    expect(model.name).toBe('Digits')
    expect(reopened.get(created.id, 1).spec).toEqual(created.spec)
  })

  it('autosaving an unchanged spec adds no version', () => {
    const p = project()
    const service = new ModelService({ require: () => p })
    const created = service.create({})
    expect(service.save(created.id, created.spec)).toMatchObject({ version: 1, changed: false })
    expect(created.spec.nodes.map((n) => n.type)).toEqual(['Input'])
  })

  it('templates are fitted to the dataset shape and classes', () => {
    const p = project()
    const service = new ModelService({ require: () => p })
    const model = service.create({ template: 'tabular-classifier', fit: { inputShape: [12], classes: 4 }, datasetId: 'd1' })
    expect(model.datasetId).toBe('d1')
    expect(model.spec.nodes[0].params.shape).toEqual([12])
    expect(model.spec.nodes.at(-1)?.params).toMatchObject({ units: 4, activation: 'softmax' })
    expect(service.list().map((m) => m.id)).toEqual([model.id])
  })

  it('generates code for a saved model; an unknown id is a plain not-found', () => {
    const p = project()
    const service = new ModelService({ require: () => p })
    const model = service.create({ template: 'mnist-mlp' })
    expect(service.code(model.id, 'keras')).toContain('layers.Flatten(')
    expect(service.code(model.id, 'tfjs')).toContain('tf.layers.flatten(')
    expect(() => service.get('nope')).toThrow(/not found/)
  })
})
