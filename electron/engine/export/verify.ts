/** Largest difference between an export's predictions and the studio's for which the export counts as verified. */
export const VERIFY_TOLERANCE = 1e-4

/** Largest absolute difference between two equally long lists of numbers; Infinity when lengths differ or a value is NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let max = 0
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i])
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d
  }
  return max
}

/** Runs an ONNX model in onnxruntime-node on one batch [n, ...shape] of float inputs; returns its first output. */
export async function predictOnnx(model: string | Uint8Array, inputName: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const ort = await import('onnxruntime-node')
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model)
  try {
    const result = await session.run({ [inputName]: new ort.Tensor('float32', x, shape) })
    return Float32Array.from(result[session.outputNames[0]].data as Float32Array)
  } finally {
    await session.release()
  }
}
