/**
 * Makes the "Photos, two classes, pretrained base" sample's shipped files, deterministically and from nothing but
 * code, so they can be shipped and regenerated: npx tsx scripts/make-sample-images.ts (ONLY=photos or ONLY=base
 * for one of the two; the base's weights differ from run to run, as TF.js initialises them at random)
 *
 * - resources/samples/photos/{intact,scratched}/*.png — 32×32 "product photos": a textured disc or tile on a plain
 *   background, the scratched ones crossed by a thin scratch.
 * - resources/samples/shapes-base/ — the pretrained base: a small CNN (TF.js layers model) trained here on a
 *   different, generated set of six shapes (disc, square, triangle, ring, cross, parallel lines), not on the photos.
 */
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../common/random'
import { selectBackend } from '../electron/engine/process/backends'
import { saveCheckpoint } from '../electron/engine/train/checkpoint'

const SIZE = 32
const OUT = path.resolve(__dirname, '..', 'resources', 'samples')
// Each set draws from its own seeded stream, so changing one set's size leaves the other as it was.
let random = seededRandom(20261123)
const between = (a: number, b: number): number => a + random() * (b - a)

type Rgb = [number, number, number]
/** Signed distance (pixels) from a point to a shape's edge: negative inside. */
type Shape = (x: number, y: number) => number

function colour(): Rgb {
  return [between(0.05, 0.95), between(0.05, 0.95), between(0.05, 0.95)]
}

function contrasting(bg: Rgb): Rgb {
  for (;;) {
    const c = colour()
    if (Math.abs(c[0] + c[1] + c[2] - bg[0] - bg[1] - bg[2]) > 0.6) return c
  }
}

/** An image [SIZE, SIZE, 3] in [0, 1]. */
function canvas(bg: Rgb, noise: number): Float32Array {
  const px = new Float32Array(SIZE * SIZE * 3)
  for (let i = 0; i < SIZE * SIZE; i++) for (let c = 0; c < 3; c++) px[i * 3 + c] = bg[c] + (random() - 0.5) * noise
  return px
}

/** Paints a shape with a one-pixel soft edge, optionally with its own texture. */
function paint(px: Float32Array, shape: Shape, fill: Rgb, texture = 0): void {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const cover = Math.min(1, Math.max(0, 0.5 - shape(x + 0.5, y + 0.5)))
      if (cover <= 0) continue
      const grain = texture ? (Math.sin(x * 1.7 + y * 0.9) + Math.sin(x * 0.6 - y * 1.3)) * texture + (random() - 0.5) * texture : 0
      for (let c = 0; c < 3; c++) {
        const o = (y * SIZE + x) * 3 + c
        px[o] = px[o] * (1 - cover) + (fill[c] + grain) * cover
      }
    }
  }
}

const disc = (cx: number, cy: number, r: number): Shape => (x, y) => Math.hypot(x - cx, y - cy) - r
const box = (cx: number, cy: number, h: number, angle: number): Shape => (x, y) => {
  const [u, v] = rotate(x - cx, y - cy, angle)
  return Math.max(Math.abs(u), Math.abs(v)) - h
}
const ring = (cx: number, cy: number, r: number, w: number): Shape => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - w
/** A segment of half-width w from (x0, y0) to (x1, y1). */
const segment = (x0: number, y0: number, x1: number, y1: number, w: number): Shape => (x, y) => {
  const dx = x1 - x0
  const dy = y1 - y0
  const t = Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(x - x0 - t * dx, y - y0 - t * dy) - w
}
const triangle = (cx: number, cy: number, r: number, angle: number): Shape => (x, y) => {
  let d = -Infinity
  for (let k = 0; k < 3; k++) {
    const a = angle + (k * 2 * Math.PI) / 3
    d = Math.max(d, (x - cx) * Math.cos(a) + (y - cy) * Math.sin(a) - r / 2)
  }
  return d
}

function rotate(x: number, y: number, a: number): [number, number] {
  return [x * Math.cos(a) - y * Math.sin(a), x * Math.sin(a) + y * Math.cos(a)]
}

/** The base's training set: six generated shape classes. */
const SHAPES = ['disc', 'square', 'triangle', 'ring', 'cross', 'lines'] as const

function shapeImage(kind: (typeof SHAPES)[number]): Float32Array {
  const bg = colour()
  const fg = contrasting(bg)
  const px = canvas(bg, 0.08)
  const cx = between(11, 21)
  const cy = between(11, 21)
  const r = between(6, 10)
  const angle = between(0, Math.PI)
  switch (kind) {
    case 'disc':
      paint(px, disc(cx, cy, r), fg)
      break
    case 'square':
      paint(px, box(cx, cy, r * 0.8, angle), fg)
      break
    case 'triangle':
      paint(px, triangle(cx, cy, r * 1.6, angle), fg)
      break
    case 'ring':
      paint(px, ring(cx, cy, r, between(1, 2)), fg)
      break
    case 'cross':
      paint(px, (x, y) => Math.min(box(cx, cy, 0, angle)(x, y), 0) + Math.min(...[0, Math.PI / 2].map((a) => segment(cx - Math.cos(angle + a) * r, cy - Math.sin(angle + a) * r, cx + Math.cos(angle + a) * r, cy + Math.sin(angle + a) * r, 1.5)(x, y))), fg)
      break
    case 'lines': {
      const w = between(0.6, 1.2)
      const gap = between(4, 7)
      for (let k = -1; k <= 1; k++) {
        const ox = -Math.sin(angle) * gap * k
        const oy = Math.cos(angle) * gap * k
        paint(px, segment(cx + ox - Math.cos(angle) * r * 1.3, cy + oy - Math.sin(angle) * r * 1.3, cx + ox + Math.cos(angle) * r * 1.3, cy + oy + Math.sin(angle) * r * 1.3, w), fg)
      }
      break
    }
  }
  return px
}

/** One sample photo: a textured product (disc or tile), scratched or not. */
function productPhoto(scratched: boolean): Float32Array {
  const bg: Rgb = [between(0.75, 0.95), between(0.75, 0.95), between(0.75, 0.95)]
  const px = canvas(bg, 0.04)
  const body: Rgb = [between(0.2, 0.7), between(0.2, 0.7), between(0.2, 0.7)]
  const cx = between(13, 19)
  const cy = between(13, 19)
  const r = between(9, 12)
  paint(px, random() < 0.5 ? disc(cx, cy, r) : box(cx, cy, r * 0.85, between(0, Math.PI / 2)), body, 0.05)
  if (scratched) {
    const a = between(0, Math.PI)
    const len = between(0.6, 0.9) * r
    const ox = between(-3, 3)
    const oy = between(-3, 3)
    const tone = random() < 0.5 ? 0.05 : 0.97
    paint(px, segment(cx + ox - Math.cos(a) * len, cy + oy - Math.sin(a) * len, cx + ox + Math.cos(a) * len, cy + oy + Math.sin(a) * len, between(0.5, 0.9)), [tone, tone, tone])
  }
  return px
}

async function writePng(file: string, px: Float32Array): Promise<void> {
  const bytes = Buffer.from(Array.from(px, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)))
  await sharp(bytes, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png({ compressionLevel: 9 }).toFile(file)
}

async function makePhotos(perClass: number): Promise<void> {
  random = seededRandom(20261123)
  const root = path.join(OUT, 'photos')
  fs.rmSync(root, { recursive: true, force: true })
  for (const cls of ['intact', 'scratched'] as const) {
    fs.mkdirSync(path.join(root, cls), { recursive: true })
    for (let i = 0; i < perClass; i++) await writePng(path.join(root, cls, `${cls}-${String(i).padStart(3, '0')}.png`), productPhoto(cls === 'scratched'))
  }
}

async function trainBase(perClass: number, epochs: number): Promise<void> {
  random = seededRandom(20261124)
  await selectBackend((process.env.BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm', (r) => r.key)
  const n = perClass * SHAPES.length
  const x = new Float32Array(n * SIZE * SIZE * 3)
  const y = new Float32Array(n * SHAPES.length)
  for (let i = 0; i < n; i++) {
    const k = i % SHAPES.length
    x.set(shapeImage(SHAPES[k]), i * SIZE * SIZE * 3)
    y[i * SHAPES.length + k] = 1
  }
  const model = tf.sequential({
    name: 'shapes_base',
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 3], filters: 16, kernelSize: 3, padding: 'same', name: 'conv1' }),
      tf.layers.batchNormalization({ momentum: 0.9, name: 'norm1' }),
      tf.layers.activation({ activation: 'relu', name: 'relu1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', name: 'conv2' }),
      tf.layers.batchNormalization({ momentum: 0.9, name: 'norm2' }),
      tf.layers.activation({ activation: 'relu', name: 'relu2' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', name: 'conv3' }),
      tf.layers.batchNormalization({ momentum: 0.9, name: 'norm3' }),
      tf.layers.activation({ activation: 'relu', name: 'relu3' }),
      tf.layers.globalAveragePooling2d({ name: 'features' }),
      tf.layers.dense({ units: SHAPES.length, activation: 'softmax', name: 'shape_classifier' })
    ]
  })
  const optimizer = tf.train.adam(0.003)
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
  const xs = tf.tensor4d(x, [n, SIZE, SIZE, 3])
  const ys = tf.tensor2d(y, [n, SHAPES.length])
  const history = await model.fit(xs, ys, {
    epochs,
    batchSize: 32,
    validationSplit: 0.15,
    shuffle: true,
    verbose: 0,
    callbacks: { onEpochEnd: (epoch, logs) => console.log(`base epoch ${epoch + 1}: loss ${logs?.loss.toFixed(3)} acc ${logs?.acc.toFixed(3)} val_acc ${logs?.val_acc.toFixed(3)}`) }
  })
  tf.dispose([xs, ys])
  const dir = path.join(OUT, 'shapes-base')
  fs.rmSync(dir, { recursive: true, force: true })
  await saveCheckpoint(tf, dir, model, optimizer, { epoch: epochs, step: 0, learningRate: 0.003, bestValue: null, bestEpoch: 0, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 })
  // Only the model ships; the optimiser and training state a checkpoint also holds are not part of a base.
  for (const f of ['optimizer.bin', 'optimizer.json', 'state.json']) fs.rmSync(path.join(dir, f))
  const acc = history.history.val_acc.at(-1)
  fs.writeFileSync(path.join(dir, 'README.md'), `A small CNN trained by scripts/make-sample-images.ts on ${n} generated 32×32 images of six shapes (${SHAPES.join(', ')}); validation accuracy ${Number(acc).toFixed(3)}. Its default cut is the "features" layer (32 values per image).\n`)
  model.dispose()
}

async function main(): Promise<void> {
  const only = process.env.ONLY
  if (only !== 'base') await makePhotos(Number(process.env.PHOTOS_PER_CLASS ?? 150))
  if (only !== 'photos') await trainBase(Number(process.env.SHAPES_PER_CLASS ?? 300), Number(process.env.BASE_EPOCHS ?? 25))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
