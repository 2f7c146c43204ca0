import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrataError } from '../../common/errors'
import { buildTemplate } from '../../common/model/templates'
import { checkpointDir, exportArchive, exportDir, exportManifestFile, readRunLayers, readRunSpec, runDir, writeRunSpec } from './run-folder'
import { useTempProject } from './project.test-helpers'

const t = useTempProject()

describe("a run's folder", () => {
  it('lays out checkpoints and exports under runs/<id>/ of the project', () => {
    const root = t.project.root
    const run = runDir(root, 7)
    const inRun = (...parts: string[]) => path.join(root, 'runs', '7', ...parts)
    expect(run).toBe(inRun())
    expect(fs.existsSync(path.dirname(run)), 'a new project has its runs folder').toBe(true)
    expect(checkpointDir(run, 'last')).toBe(inRun('checkpoints', 'last'))
    expect(checkpointDir(run, 'best')).toBe(inRun('checkpoints', 'best'))
    expect(exportDir(run, 'onnx')).toBe(inRun('exports', 'onnx'))
    expect(exportManifestFile(run)).toBe(inRun('exports', 'manifest.json'))
    expect(exportArchive(run, 7, 'web')).toEqual({ file: inRun('exports', 'run-7-web.zip'), name: 'run-7-web.zip' })
  })

  it('keeps the model spec a run trained and reads it back checked', () => {
    const run = runDir(t.project.root, 1)
    const spec = buildTemplate('mnist-cnn')
    writeRunSpec(run, spec)
    expect(JSON.parse(fs.readFileSync(path.join(run, 'model-spec.json'), 'utf8'))).toEqual(spec)
    expect(readRunSpec(run, 1)).toEqual(spec)
    expect(readRunLayers(run).map((l) => l.type)).toEqual(spec.nodes.map((n) => n.type))
  })

  it('a run without a spec reads as none; its layers as an empty list', () => {
    const run = runDir(t.project.root, 2)
    expect(readRunSpec(run, 2)).toBeNull()
    expect(readRunLayers(run)).toEqual([])
  })

  it.each([
    ['not JSON', '{"format": "strata.model/1", "nodes": ['],
    ['JSON, but not a model spec', JSON.stringify({ format: 'strata.model/1', nodes: [{ id: 'a', type: 'Dense' }], edges: [{ id: 'e', source: 'a', target: 'missing' }] })]
  ])('a damaged spec (%s) is refused with RUN_DAMAGED and left as it was', (_what, text) => {
    const run = runDir(t.project.root, 3)
    fs.mkdirSync(run, { recursive: true })
    const file = path.join(run, 'model-spec.json')
    fs.writeFileSync(file, text)
    let thrown: unknown
    try {
      readRunSpec(run, 3)
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(StrataError)
    expect((thrown as StrataError).code).toBe('RUN_DAMAGED')
    expect((thrown as StrataError).message).toContain('Run 3 cannot be used')
    expect((thrown as StrataError).message).toContain('model-spec.json')
    expect(fs.readFileSync(file, 'utf8')).toBe(text)
  })

  it("comparing runs still lists the layers of a spec that is not a whole one (only its nodes are read)", () => {
    const run = runDir(t.project.root, 4)
    fs.mkdirSync(run, { recursive: true })
    fs.writeFileSync(path.join(run, 'model-spec.json'), JSON.stringify({ nodes: [{ id: 'in', type: 'Input', params: { shape: [3] } }, { id: 'd', type: 'Dense' }] }))
    expect(readRunLayers(run)).toEqual([
      { id: 'in', type: 'Input', params: { shape: [3] } },
      { id: 'd', type: 'Dense', params: {} }
    ])
    fs.writeFileSync(path.join(run, 'model-spec.json'), '{"nodes": 5}')
    expect(readRunLayers(run)).toEqual([])
  })
})
