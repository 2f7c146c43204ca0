import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LAYER_TYPES } from '../../../common/model/catalog'
import { specToJson } from '../../../common/model/spec'
import { buildTemplate } from '../../../common/model/templates'
import { runCli } from '../cli'

process.env.LC_ALL = 'en_US.UTF-8'
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-models-'))
afterAll(() => fs.rmSync(home, { recursive: true, force: true }))

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, '', { out: (t) => out.push(t), err: (t) => err.push(t) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('strata layers / templates', () => {
  it('layers --json lists every catalog layer with its parameters', async () => {
    const { code, out } = await cli('layers', '--json')
    expect(code).toBe(0)
    const { layers } = JSON.parse(out) as { layers: Array<{ type: string; params: Array<{ name: string }> }> }
    expect(layers.find((l) => l.type === 'Dense')?.params.map((p) => p.name)).toEqual(['units', 'activation', 'useBias'])
    expect(layers.map((l) => l.type)).toEqual(LAYER_TYPES)
  })

  it('templates lists the stable ids', async () => {
    const { out } = await cli('templates', '--json')
    expect((JSON.parse(out) as { templates: Array<{ id: string }> }).templates.map((t) => t.id)).toEqual([
      'linear-regression', 'tabular-classifier', 'tabular-regressor', 'mnist-mlp', 'mnist-cnn', 'mlp-3layer', 'pretrained-image', 'text-embedding', 'text-lstm'
    ])
    expect((await cli('templates')).out).toContain('mnist-cnn')
  })
})

describe('strata model / code', () => {
  const project = path.join(home, 'Digits')

  it('saves a template fitted to --input and --classes and prints its summary', async () => {
    expect((await cli('new', project)).code).toBe(0)
    const { code, out } = await cli('model', project, '--template', 'mnist-cnn', '--json')
    expect(code).toBe(0)
    const summary = JSON.parse(out) as { modelId: string; totalParams: number; layers: Array<{ id: string; type: string; outputShape: number[]; params: number }>; problems: unknown[] }
    expect(summary.totalParams).toBe(225_034)
    expect(summary.layers[1]).toEqual({ id: 'conv2d_1', type: 'Conv2D', outputShape: [26, 26, 32], params: 320 })
    expect(summary.problems).toEqual([])

    const fitted = JSON.parse((await cli('model', project, '--template', 'mnist-mlp', '--input', '8x8x1', '--classes', '3', '--json')).out) as { totalParams: number }
    expect(fitted.totalParams).toBe(64 * 128 + 128 + 128 * 3 + 3)

    const text = await cli('model', project, '--template', 'mnist-mlp')
    expect(text.out).toContain('Total parameters: 101,770')

    const keras = await cli('code', project, '--model', summary.modelId, '--lang', 'keras')
    expect(keras.out).toContain('layers.Conv2D(filters=32, kernel_size=3')
    const file = path.join(home, 'model.py')
    fs.writeFileSync(file, keras.out)
    execFileSync('python3', ['-m', 'py_compile', file])
    expect((await cli('code', project, '--model', summary.modelId, '--lang', 'tfjs')).out).toContain('tf.layers.conv2d(')
  })

  it('--spec saves a spec file and reports its problems in plain words', async () => {
    const spec = buildTemplate('mnist-mlp')
    spec.nodes = spec.nodes.filter((n) => n.type !== 'Flatten')
    spec.edges = [
      { id: 'e_1', source: 'input_1', target: 'dense_1' },
      { id: 'e_2', source: 'dense_1', target: 'dense_2' }
    ]
    const file = path.join(home, 'spec.json')
    fs.writeFileSync(file, specToJson(spec))
    const { code, out } = await cli('model', project, '--spec', file, '--json')
    expect(code).toBe(0)
    const summary = JSON.parse(out) as { problems: Array<{ code: string; message: string }> }
    expect(summary.problems[0]).toMatchObject({ code: 'needsFlatten', message: 'Dense needs a flat input but gets 28×28×1 — add Flatten before it.' })
  })

  it('refuses an unknown template and a bad --input in plain words', async () => {
    expect((await cli('model', project, '--template', 'resnet')).err).toContain('There is no template "resnet"')
    expect((await cli('model', project, '--template', 'mnist-mlp', '--input', 'big')).err).toContain('--input must look like 28x28x1')
  })
})

describe('strata import-base / bases', () => {
  const project = path.join(home, 'Photos')
  const shipped = path.resolve(__dirname, '..', '..', '..', 'resources', 'samples', 'shapes-base')

  it('imports the shipped base, lists it, and a model using it gets its shapes and its layers in code', async () => {
    expect((await cli('new', project)).code).toBe(0)
    const { code, out } = await cli('import-base', project, shipped, '--json')
    expect(code).toBe(0)
    const { base } = JSON.parse(out) as { base: { id: string; defaultCut: string; inputShape: number[] } }
    expect(base).toMatchObject({ defaultCut: 'features', inputShape: [32, 32, 3] })
    expect((JSON.parse((await cli('bases', project, '--json')).out) as { bases: Array<{ id: string }> }).bases.map((b) => b.id)).toEqual([base.id])

    const spec = buildTemplate('pretrained-image', { inputShape: [32, 32, 3], classes: 2 })
    spec.nodes = spec.nodes.map((n) => (n.type === 'PretrainedBase' ? { ...n, params: { base: base.id } } : n))
    const file = path.join(home, 'transfer.json')
    fs.writeFileSync(file, specToJson(spec))
    const summary = JSON.parse((await cli('model', project, '--spec', file, '--json')).out) as { modelId: string; problems: unknown[]; layers: Array<{ type: string; outputShape: number[] }> }
    expect(summary.problems).toEqual([])
    expect(summary.layers.find((l) => l.type === 'PretrainedBase')?.outputShape).toEqual([32])
    const keras = await cli('code', project, '--model', summary.modelId, '--lang', 'keras')
    expect(keras.out).toContain('pretrainedbase_1__conv3')
    fs.writeFileSync(path.join(home, 'transfer.py'), keras.out)
    execFileSync('python3', ['-m', 'py_compile', path.join(home, 'transfer.py')])
  })

  it('refuses a folder that holds no TF.js model in plain words', async () => {
    const empty = path.join(home, 'not-a-model')
    fs.mkdirSync(empty, { recursive: true })
    expect((await cli('import-base', project, empty)).err).toContain('This is not a TensorFlow.js layers model Strata can read')
  })
})
