import sharp from 'sharp'
import type { TrainConfig } from '../../common/contract'
import { StrataError } from '../../common/errors'
import { augmentImage } from '../engine/data/augment'
import { seededRandom } from '../../common/random'
import { readBlob } from '../store/blobs'
import { getDataset, iterateItems } from '../store/datasets'
import { decodeImageRgb } from '../store/image-decode'
import type { OpenProject } from '../store/project-folder'

const PREVIEW_SIZE = 96

/**
 * A strip of training images as augmentation would show them to the model (PNG data URLs), so a founder can see
 * whether the settings keep the pictures recognisable. Uses the same transform as training batches.
 */
export async function augmentationPreview(project: OpenProject, datasetId: string, augmentation: TrainConfig['augmentation'], count: number, seed: number): Promise<string[]> {
  if (getDataset(project.db, datasetId).kind !== 'images') throw new StrataError('DATA_MODEL_MISMATCH', { reason: 'augmentation applies to image datasets only' })
  const picked = []
  for (const item of iterateItems(project.db, datasetId, { split: 'train' })) {
    picked.push(item)
    if (picked.length >= count) break
  }
  const random = seededRandom(seed)
  const pixels = PREVIEW_SIZE * PREVIEW_SIZE * 3
  const plain = new Float32Array(pixels)
  const out = new Float32Array(pixels)
  const images: string[] = []
  for (const item of picked) {
    const rgb = await decodeImageRgb(await readBlob(project.root, item.hash!), PREVIEW_SIZE, PREVIEW_SIZE, 'fill')
    for (let i = 0; i < pixels; i++) plain[i] = rgb[i] / 255
    augmentImage(plain, out, PREVIEW_SIZE, PREVIEW_SIZE, 3, augmentation, random)
    const bytes = Buffer.from(Uint8Array.from(out, (v) => Math.round(v * 255)))
    const png = await sharp(bytes, { raw: { width: PREVIEW_SIZE, height: PREVIEW_SIZE, channels: 3 } }).png().toBuffer()
    images.push(`data:image/png;base64,${png.toString('base64')}`)
  }
  return images
}
