/** A decoded image as 8-bit RGBA pixels, row-major from the top-left. */
export interface RgbaImage {
  width: number
  height: number
  data: Buffer
}

/** True when the bytes start like a Windows bitmap. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d
}

function maskShift(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 }
  let shift = 0
  while (((mask >>> shift) & 1) === 0) shift++
  return { shift, max: mask >>> shift }
}

/**
 * Decodes an uncompressed Windows bitmap (1/4/8-bit palette, 16/24/32-bit, BI_RGB or BI_BITFIELDS,
 * bottom-up or top-down), because sharp's bundled libvips cannot read BMP. Throws on anything truncated or unsupported.
 */
export function decodeBmp(bytes: Uint8Array): RgbaImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (!isBmp(buf) || buf.length < 26) throw new Error('not a BMP file')
  const dataOffset = buf.readUInt32LE(10)
  const headerSize = buf.readUInt32LE(14)
  if (headerSize < 40) throw new Error(`unsupported BMP header (${headerSize} bytes)`)
  if (buf.length < 14 + headerSize) throw new Error('BMP header is truncated')
  const width = buf.readInt32LE(18)
  const rawHeight = buf.readInt32LE(22)
  const bpp = buf.readUInt16LE(28)
  const compression = buf.readUInt32LE(30)
  const topDown = rawHeight < 0
  const height = Math.abs(rawHeight)
  if (width <= 0 || height === 0 || width > 30000 || height > 30000) throw new Error(`invalid BMP size ${width}×${height}`)
  if (compression !== 0 && compression !== 3) throw new Error(`compressed BMP (method ${compression}) is not supported`)

  let masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0]
  if (compression === 3) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize
    masks = [buf.readUInt32LE(at), buf.readUInt32LE(at + 4), buf.readUInt32LE(at + 8), headerSize >= 56 ? buf.readUInt32LE(at + 12) : 0]
  } else if (bpp === 32) masks[3] = 0
  const palette: number[][] = []
  if (bpp <= 8) {
    const colours = buf.readUInt32LE(46) || 1 << bpp
    const at = 14 + headerSize
    for (let i = 0; i < colours; i++) {
      const p = at + i * 4
      if (p + 3 >= buf.length) throw new Error('BMP palette is truncated')
      palette.push([buf[p + 2], buf[p + 1], buf[p]])
    }
  } else if (bpp !== 16 && bpp !== 24 && bpp !== 32) throw new Error(`unsupported BMP depth ${bpp}`)

  const stride = Math.floor((bpp * width + 31) / 32) * 4
  if (dataOffset + stride * height > buf.length) throw new Error('BMP pixel data is truncated')
  const channels = masks.map(maskShift)
  const out = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    const src = dataOffset + (topDown ? y : height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4
      let r: number, g: number, b: number, a = 255
      if (bpp <= 8) {
        const bitPos = x * bpp
        const byte = buf[src + (bitPos >> 3)]
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1)
        const c = palette[index] ?? [0, 0, 0]
        ;[r, g, b] = c
      } else if (bpp === 24) {
        const p = src + x * 3
        b = buf[p]
        g = buf[p + 1]
        r = buf[p + 2]
      } else {
        const v = bpp === 16 ? buf.readUInt16LE(src + x * 2) : buf.readUInt32LE(src + x * 4)
        const scale = (i: number): number => {
          const { shift, max } = channels[i]
          return max ? Math.round((((v & masks[i]) >>> shift) * 255) / max) : 255
        }
        r = scale(0)
        g = scale(1)
        b = scale(2)
        a = masks[3] ? scale(3) : 255
      }
      out[o] = r
      out[o + 1] = g
      out[o + 2] = b
      out[o + 3] = a
    }
  }
  return { width, height, data: out }
}

/** Encodes RGB pixels as a 24-bit bottom-up bitmap (used by tests and sample data). */
export function encodeBmp24(width: number, height: number, rgb: Uint8Array): Buffer {
  const stride = Math.floor((24 * width + 31) / 32) * 4
  const out = Buffer.alloc(54 + stride * height)
  out.write('BM', 0, 'latin1')
  out.writeUInt32LE(out.length, 2)
  out.writeUInt32LE(54, 10)
  out.writeUInt32LE(40, 14)
  out.writeInt32LE(width, 18)
  out.writeInt32LE(height, 22)
  out.writeUInt16LE(1, 26)
  out.writeUInt16LE(24, 28)
  out.writeUInt32LE(stride * height, 34)
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3
      out[row + x * 3] = rgb[s + 2]
      out[row + x * 3 + 1] = rgb[s + 1]
      out[row + x * 3 + 2] = rgb[s]
    }
  }
  return out
}
