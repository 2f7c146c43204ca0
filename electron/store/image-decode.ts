import sharp, { type Sharp } from 'sharp'
import { decodeBmp, isBmp } from './bmp'

/** File extensions the image importer reads; anything else in a class folder is listed as ignored. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.gif', '.bmp', '.dib', '.tif', '.tiff'])

/** Edge of the square grid thumbnails, in pixels. */
export const THUMB_SIZE = 128

/** What the importer learns about one readable image. */
export interface ImageFacts {
  /** Width and height after EXIF orientation is applied, in pixels. */
  width: number
  height: number
  format: string
  /** Channels as stored (1 grey, 2 grey+alpha, 3 colour, 4 colour+alpha); decoding always yields RGB. */
  channels: number
  hasAlpha: boolean
  /** A WebP thumbnail, THUMB_SIZE square, orientation applied and alpha flattened on white. */
  thumb: Buffer
}

/**
 * A sharp pipeline over an image file's bytes: first frame only, truncated data is an error,
 * and BMP (which sharp's libvips lacks) is decoded here first.
 */
export function openImage(bytes: Buffer): Sharp {
  if (isBmp(bytes)) {
    const { width, height, data } = decodeBmp(bytes)
    return sharp(data, { raw: { width, height, channels: 4 } })
  }
  return sharp(bytes, { failOn: 'truncated', pages: 1, limitInputPixels: 268_402_689 })
}

/** Normalises any image to sRGB without alpha (alpha flattened on white), orientation applied. */
export function normalised(image: Sharp): Sharp {
  return image.rotate().flatten({ background: '#ffffff' }).toColourspace('srgb')
}

/** Reads an image fully (so corrupt or truncated files fail here) and makes its thumbnail. */
export async function inspectImage(bytes: Buffer): Promise<ImageFacts> {
  const meta = await openImage(bytes).metadata()
  if (!meta.width || !meta.height) throw new Error('the image has no size')
  const swap = (meta.orientation ?? 1) >= 5
  const thumb = await normalised(openImage(bytes))
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover' })
    .webp({ quality: 70 })
    .toBuffer()
  return {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    format: isBmp(bytes) ? 'bmp' : (meta.format ?? 'unknown'),
    channels: meta.channels ?? 3,
    hasAlpha: meta.hasAlpha ?? false,
    thumb
  }
}

/**
 * Decodes an image to 8-bit RGB pixels, resized to width×height (cover crop by default):
 * a Uint8 buffer of length width·height·3, row-major, values 0–255.
 */
export async function decodeImageRgb(bytes: Buffer, width: number, height: number, fit: 'cover' | 'contain' | 'fill' = 'cover'): Promise<Buffer> {
  return normalised(openImage(bytes))
    .resize(width, height, { fit, background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer()
}
