import type * as TfNs from '@tensorflow/tfjs'
import { CATALOG, layerDef, resolveParams, type AugmentationLayerType, type LayerType, type ParamValue } from '../../../common/model/catalog'
import { expandBases, usesBase, type BaseInfo } from '../../../common/model/bases'
import { analyzeModel, problemText, type DatasetFit, type ModelAnalysis } from '../../../common/model/infer'
import type { ModelSpec, TaskKind } from '../../../common/model/spec'
import { isTfjsLayerCall, tfjsLayer, type TfjsLayerCall } from '../../../common/model/tfjs-layers'
import { StrataError } from '../../../common/errors'
import { translate } from '../../../common/i18n'

/** The TensorFlow.js module the caller loaded (so the engine picks the backend, not this file). */
export type Tf = typeof TfNs

/** Options for {@link compileModel}: what the dataset says, checked against the spec before anything is built. */
export interface CompileOptions extends DatasetFit {
  /** The dataset's shape of one example; replaces the spec's Input shape. */
  inputShape?: number[]
  /** The dataset's number of classes: a different number of output units is refused (`outputUnits`). */
  classes?: number
  /** The dataset's task, used when the spec names none. */
  task?: TaskKind
  /**
   * The project's bases the spec names: each PretrainedBase is built as the base's own layers up to its cut, frozen
   * as asked, with the base's weights copied in when its loaded model is given.
   */
  bases?: Record<string, { info: BaseInfo; model?: TfNs.LayersModel }>
}

type LayerFactory = (config: Record<string, unknown>) => TfNs.layers.Layer
type AugmentationConfig = { name?: string; mode?: string; factor?: number; heightFactor?: number }
type AugmentationClasses = Record<AugmentationLayerType, new (config: AugmentationConfig) => TfNs.layers.Layer>

const customLayers = new WeakMap<object, AugmentationClasses>()

/**
 * Strata's random augmentation layers, which TF.js lacks: they pass images through unchanged at inference
 * and, while training (`training: true`), flip, rotate or zoom each batch. Registered for serialization once per TF.js module.
 */
export function augmentationLayers(tf: Tf): AugmentationClasses {
  const known = customLayers.get(tf)
  if (known) return known

  abstract class Augmentation extends tf.layers.Layer {
    protected readonly options: AugmentationConfig
    constructor(config: AugmentationConfig) {
      super({ name: config.name })
      this.options = config
    }
    override computeOutputShape(shape: TfNs.Shape | TfNs.Shape[]): TfNs.Shape | TfNs.Shape[] {
      return shape
    }
    override call(inputs: TfNs.Tensor | TfNs.Tensor[], kwargs: Record<string, unknown>): TfNs.Tensor {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as TfNs.Tensor4D
      if (!kwargs.training) return tf.clone(x)
      return tf.tidy(() => this.augment(x))
    }
    protected abstract augment(x: TfNs.Tensor4D): TfNs.Tensor
    override getConfig(): TfNs.serialization.ConfigDict {
      const { name: _name, ...rest } = this.options
      return { ...super.getConfig(), ...rest }
    }
  }

  /** Mirrors each image with probability ½ along the chosen axes. */
  class RandomFlip extends Augmentation {
    static className = CATALOG.RandomFlip.tfjs
    protected augment(x: TfNs.Tensor4D): TfNs.Tensor {
      let out: TfNs.Tensor4D = x
      const batch = x.shape[0]
      const mode = this.options.mode ?? 'horizontal'
      for (const [axis, wanted] of [[2, mode.includes('horizontal')], [1, mode.includes('vertical')]] as const) {
        if (!wanted) continue
        const flip = tf.randomUniform([batch, 1, 1, 1]).less(0.5).toFloat()
        out = out.mul(tf.sub(1, flip)).add(tf.reverse(out, axis).mul(flip)) as TfNs.Tensor4D
      }
      return out
    }
  }

  /** Rotates the batch by one random angle within ±factor of a full turn. */
  class RandomRotation extends Augmentation {
    static className = CATALOG.RandomRotation.tfjs
    protected augment(x: TfNs.Tensor4D): TfNs.Tensor {
      const angle = (Math.random() * 2 - 1) * (this.options.factor ?? 0.1) * 2 * Math.PI
      return tf.image.rotateWithOffset(x, angle, 0)
    }
  }

  /** Zooms each image in or out by up to ±heightFactor around its centre. */
  class RandomZoom extends Augmentation {
    static className = CATALOG.RandomZoom.tfjs
    protected augment(x: TfNs.Tensor4D): TfNs.Tensor {
      const [batch, h, w] = x.shape
      const f = this.options.heightFactor ?? 0.1
      const boxes: number[][] = []
      for (let i = 0; i < batch; i++) {
        const z = 1 + (Math.random() * 2 - 1) * f
        boxes.push([0.5 - z / 2, 0.5 - z / 2, 0.5 + z / 2, 0.5 + z / 2])
      }
      const indices = Array.from({ length: batch }, (_, i) => i)
      return tf.image.cropAndResize(x, tf.tensor2d(boxes, [batch, 4]), tf.tensor1d(indices, 'int32'), [h, w], 'bilinear', 0)
    }
  }

  // One class per layer the catalog flags as augmentation (a missing one does not compile).
  const classes = { RandomFlip, RandomRotation, RandomZoom } satisfies AugmentationClasses
  for (const cls of Object.values(classes)) tf.serialization.registerClass(cls)
  customLayers.set(tf, classes)
  return classes
}

/** Builds a layer from its TF.js call (wrapped layers first), named `name` when given. */
function callLayer(tf: Tf, call: TfjsLayerCall, name?: string): TfNs.layers.Layer {
  const config: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(call.config)) config[key] = isTfjsLayerCall(value) ? callLayer(tf, value) : value
  if (name) config.name = name
  const factory = (tf.layers as unknown as Record<string, LayerFactory>)[call.factory]
  return factory(config)
}

function makeLayer(tf: Tf, type: LayerType, params: Record<string, ParamValue>, name: string): TfNs.layers.Layer {
  const call = tfjsLayer(type, params)
  // compileModel writes bases out as their own layers first; a PretrainedBase left here has no base to build.
  if (!call) throw new StrataError('MODEL_NOT_TRAINABLE', { layer: type })
  if (layerDef(type).augmentation) {
    const Layer = augmentationLayers(tf)[type as AugmentationLayerType]
    return new Layer({ ...(call.config as AugmentationConfig), name })
  }
  return callLayer(tf, call, name)
}

/** The spec with its Input shape replaced by the dataset's, when one is given. */
export function withInputShape(spec: ModelSpec, inputShape?: number[]): ModelSpec {
  if (!inputShape) return spec
  return { ...spec, nodes: spec.nodes.map((n) => (n.type === 'Input' ? { ...n, params: { ...n.params, shape: [...inputShape] } } : n)) }
}

/**
 * Builds an (uncompiled) `tf.LayersModel` from a model spec with the functional API, so branches and skip
 * connections work. Each TF.js layer is named after its node id. Throws a StrataError when the spec has errors
 * (`MODEL_HAS_PROBLEMS`, message lists them in plain English) or uses a layer that cannot train yet (`MODEL_NOT_TRAINABLE`).
 */
export function compileModel(tf: Tf, spec: ModelSpec, opts: CompileOptions = {}): TfNs.LayersModel {
  const fitted = withInputShape(spec, opts.inputShape)
  const infos = Object.fromEntries(Object.entries(opts.bases ?? {}).map(([id, b]) => [id, b.info]))
  const analysis: ModelAnalysis = analyzeModel(fitted, { classes: opts.classes, task: opts.task, bases: infos })
  const errors = analysis.problems.filter((p) => p.severity === 'error')
  if (errors.length || !analysis.inputId || !analysis.outputId) {
    const t = (key: string, params?: Record<string, string | number>) => translate('en', key, params)
    throw new StrataError('MODEL_HAS_PROBLEMS', { problems: errors.map((p) => problemText(t, p)).join(' ') || 'no output' })
  }
  if (usesBase(fitted)) return compileExpanded(tf, fitted, opts, infos)
  const tensors = new Map<string, TfNs.SymbolicTensor>()
  const built: TfNs.layers.Layer[] = []
  try {
    for (const id of analysis.order) {
      const node = fitted.nodes.find((n) => n.id === id)!
      const type = node.type as LayerType
      const params = resolveParams(type, node.params)
      if (type === 'Input') {
        tensors.set(id, tf.input({ ...(tfjsLayer(type, params)!.config as { shape: number[] }), name: id }))
        continue
      }
      // TF.js leaves a -1 in Reshape unknown in the summary; the inferred shape spells it out as Keras does.
      if (type === 'Reshape') params.targetShape = [...analysis.nodes[id].outputShape!]
      const sources = fitted.edges.filter((e) => e.target === id).map((e) => tensors.get(e.source)!)
      const layer = makeLayer(tf, type, params, id)
      built.push(layer)
      const input = layerDef(type).inputs === 'many' ? sources : sources[0]
      tensors.set(id, layer.apply(input) as TfNs.SymbolicTensor)
    }
    return tf.model({ inputs: tensors.get(analysis.inputId)!, outputs: tensors.get(analysis.outputId)! })
  } catch (err) {
    // Layers already applied hold weight variables: release them before reporting the failure.
    for (const layer of built) if (layer.built) layer.dispose()
    throw err
  }
}

/** Builds a spec with its bases written out as plain layers, then fills them with the bases' weights and freezes them. */
function compileExpanded(tf: Tf, spec: ModelSpec, opts: CompileOptions, infos: Record<string, BaseInfo>): TfNs.LayersModel {
  const expanded = expandBases(spec, infos)
  const model = compileModel(tf, expanded.spec, { ...opts, bases: undefined })
  try {
    for (const [nodeId, origin] of Object.entries(expanded.origins)) {
      const source = opts.bases?.[origin.baseId]?.model
      if (source) model.getLayer(nodeId).setWeights(source.getLayer(origin.layer).getWeights())
    }
  } catch (err) {
    model.dispose()
    throw err
  }
  for (const id of expanded.frozen) model.getLayer(id).trainable = false
  return model
}
