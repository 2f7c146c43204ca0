import { describe, expect, it } from 'vitest'
import { applyChange } from './changes'
import { analyzeModel, problemText, type ProblemCode } from './infer'
import { MODEL_FORMAT, type ModelSpec } from './spec'
import { buildTemplate } from './templates'
import { translate } from '../i18n'

const at = { x: 0, y: 0 }
type N = [id: string, type: string, params?: Record<string, number | string | boolean | number[]>]

/** A spec from a node list and `a>b` edge strings. */
function graph(nodes: N[], edges: string[], task?: ModelSpec['task']): ModelSpec {
  return {
    format: MODEL_FORMAT,
    ...(task ? { task } : {}),
    nodes: nodes.map(([id, type, params]) => ({ id, type, params: params ?? {}, position: at })),
    edges: edges.map((e, i) => {
      const [source, target] = e.split('>')
      return { id: `e${i}`, source, target }
    })
  }
}

const codes = (spec: ModelSpec) => analyzeModel(spec).problems.map((p) => p.code)

describe('problems are found, in plain language, with one-click fixes where obvious', () => {
  const cases: Array<{ name: string; spec: ModelSpec; code: ProblemCode; fixed: boolean }> = [
    { name: 'Dense on an image needs Flatten', spec: graph([['in', 'Input'], ['d', 'Dense']], ['in>d']), code: 'needsFlatten', fixed: true },
    { name: 'empty model has no input', spec: graph([], []), code: 'noInput', fixed: true },
    { name: 'input alone has no output', spec: graph([['in', 'Input']], []), code: 'noOutput', fixed: false },
    { name: 'two inputs', spec: graph([['a', 'Input'], ['b', 'Input'], ['f', 'Flatten']], ['a>f', 'b>f']), code: 'multipleInputs', fixed: false },
    { name: 'loose layer is disconnected', spec: graph([['in', 'Input'], ['f', 'Flatten'], ['x', 'Dense']], ['in>f']), code: 'disconnected', fixed: true },
    { name: 'two ends', spec: graph([['in', 'Input', { shape: [4] }], ['a', 'Dense'], ['b', 'Dense']], ['in>a', 'in>b']), code: 'multipleOutputs', fixed: false },
    { name: 'cycle', spec: graph([['in', 'Input', { shape: [4] }], ['a', 'Dense'], ['b', 'Dense']], ['in>a', 'a>b', 'b>a']), code: 'cycle', fixed: false },
    { name: 'kernel larger than the input', spec: graph([['in', 'Input', { shape: [2, 2, 1] }], ['c', 'Conv2D', { kernelSize: 3 }]], ['in>c']), code: 'kernelTooLarge', fixed: true },
    { name: 'Add with different shapes', spec: graph([['in', 'Input', { shape: [4] }], ['a', 'Dense', { units: 3 }], ['b', 'Dense', { units: 5 }], ['s', 'Add']], ['in>a', 'in>b', 'a>s', 'b>s']), code: 'mergeShapeMismatch', fixed: false },
    { name: 'Concatenate with different grids', spec: graph([['in', 'Input', { shape: [8, 8, 1] }], ['a', 'Conv2D'], ['b', 'Conv2D', { padding: 'same' }], ['s', 'Concatenate']], ['in>a', 'in>b', 'a>s', 'b>s']), code: 'mergeShapeMismatch', fixed: false },
    { name: 'Add with one input', spec: graph([['in', 'Input', { shape: [4] }], ['s', 'Add']], ['in>s']), code: 'mergeNeedsTwo', fixed: false },
    { name: 'Dense with two inputs', spec: graph([['in', 'Input', { shape: [4] }], ['a', 'Dense'], ['b', 'Dense'], ['c', 'Dense']], ['in>a', 'in>b', 'a>c', 'b>c']), code: 'tooManyInputs', fixed: false },
    { name: 'Conv2D on a grey image without channels', spec: graph([['in', 'Input', { shape: [28, 28] }], ['c', 'Conv2D']], ['in>c']), code: 'rankMismatch', fixed: true },
    { name: 'LSTM after LSTM needs returnSequences', spec: graph([['in', 'Input', { shape: [10, 4] }], ['a', 'LSTM'], ['b', 'LSTM']], ['in>a', 'a>b']), code: 'rankMismatch', fixed: true },
    { name: 'Reshape to a different size', spec: graph([['in', 'Input', { shape: [10] }], ['r', 'Reshape', { targetShape: [3, 3] }]], ['in>r']), code: 'reshapeSize', fixed: false },
    { name: 'unknown layer type', spec: graph([['in', 'Input', { shape: [4] }], ['x', 'Transformer']], ['in>x']), code: 'unknownLayer', fixed: true },
    { name: 'parameter out of range', spec: graph([['in', 'Input', { shape: [4] }], ['d', 'Dropout', { rate: 2 }]], ['in>d']), code: 'badParam', fixed: true },
    { name: 'bad input shape', spec: graph([['in', 'Input', { shape: [0, 3] }], ['f', 'Flatten']], ['in>f']), code: 'badShape', fixed: false },
    { name: 'connection into the input', spec: graph([['in', 'Input', { shape: [4] }], ['d', 'Dense']], ['in>d', 'd>in']), code: 'cycle', fixed: false },
    {
      name: 'output units differ from the classes',
      spec: graph([['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 4, activation: 'softmax' }]], ['in>d'], { kind: 'classification', classes: 3 }),
      code: 'outputUnits',
      fixed: true
    },
    {
      name: 'activation does not suit the task',
      spec: graph([['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 1, activation: 'relu' }]], ['in>d'], { kind: 'binary' }),
      code: 'outputActivation',
      fixed: true
    },
    { name: 'pretrained base not chosen yet', spec: buildTemplate('pretrained-image'), code: 'baseMissing', fixed: false }
  ]

  for (const { name, spec, code, fixed } of cases) {
    it(`${name} → ${code}`, () => {
      const problem = analyzeModel(spec).problems.find((p) => p.code === code)
      expect(problem, JSON.stringify(analyzeModel(spec).problems)).toBeDefined()
      for (const locale of ['en', 'zh-CN'] as const) {
        const text = problemText((k, p) => translate(locale, k, p), problem!)
        expect(text).not.toMatch(/build\.|\{\w+\}/)
      }
      expect(Boolean(problem!.fix)).toBe(fixed)
      if (fixed) {
        const after = applyChange(spec, problem!.fix!).spec
        expect(analyzeModel(after).problems.filter((p) => p.code === code && p.nodeId === problem!.nodeId)).toEqual([])
      }
    })
  }

  it('the Flatten fix gives the exact message and a valid model', () => {
    const spec = graph([['in', 'Input'], ['d', 'Dense', { units: 10 }]], ['in>d'])
    const [problem] = analyzeModel(spec).problems
    expect(problemText((k, p) => translate('en', k, p), problem)).toBe('Dense needs a flat input but gets 28×28×1 — add Flatten before it.')
    expect(translate('en', `build.fixes.${problem.code}`)).toBe('Add Flatten')
    const fixed = analyzeModel(applyChange(spec, problem.fix!).spec)
    expect(fixed.valid).toBe(true)
    expect(fixed.totalParams).toBe(7850)
  })

  it('a dataset with another input shape is flagged with a fix', () => {
    const analysis = analyzeModel(buildTemplate('mnist-mlp'), { inputShape: [32, 32, 3] })
    expect(analysis.problems.map((p) => p.code)).toEqual(['inputShapeDataset'])
  })
})

describe('totals', () => {
  it.each([
    ['mnist-cnn', 225_034],
    ['mnist-mlp', 101_770]
  ] as const)('%s: %i parameters, 4 bytes each, and a training cost', (id, params) => {
    const a = analyzeModel(buildTemplate(id))
    expect(a.valid).toBe(true)
    expect(a.totalParams).toBe(params)
    expect(a.sizeBytes).toBe(params * 4)
    expect(a.trainingFlops).toBeGreaterThan(params * 3)
  })

  it('the MLP costs 3 × 2 multiply-adds per weight per sample', () => {
    expect(analyzeModel(buildTemplate('mnist-mlp')).trainingFlops).toBe(3 * 2 * (784 * 128 + 128 * 10))
  })

  it('valid templates have no problems', () => {
    for (const id of ['linear-regression', 'tabular-classifier', 'tabular-regressor', 'mnist-mlp', 'mnist-cnn', 'mlp-3layer', 'text-embedding', 'text-lstm'] as const) {
      expect(codes(buildTemplate(id)), id).toEqual([])
    }
  })
})
