/**
 * Parameter forms TF.js and Keras share, for the few layers whose catalog parameters differ from them: the TF.js
 * and Keras adapters (tfjs-layers.ts, keras-layers.ts) both go through these, in both directions.
 */
import type { Params } from './catalog'

/** ZeroPadding2D's `padding` as TF.js and Keras take it: [[top, bottom], [left, right]]. */
export type PaddingForm = [[number, number], [number, number]]

/** A ZeroPadding2D's four sides (its catalog parameters) as TF.js's and Keras's `padding`. */
export function zeroPaddingForm(p: Params): PaddingForm {
  return [
    [p.padTop as number, p.padBottom as number],
    [p.padLeft as number, p.padRight as number]
  ]
}

/**
 * Keras's and TF.js's ZeroPadding2D `padding` (n, [rows, cols] or [[top, bottom], [left, right]]) as the four
 * catalog parameters; null when it is written in another form.
 */
export function zeroPaddingSides(padding: unknown): { padTop: number; padBottom: number; padLeft: number; padRight: number } | null {
  const sides: unknown[] =
    typeof padding === 'number'
      ? [padding, padding, padding, padding]
      : Array.isArray(padding) && padding.length === 2
        ? padding.flatMap((a) => (Array.isArray(a) ? (a.length === 2 ? a : [NaN, NaN]) : [a, a]))
        : []
  if (sides.length !== 4 || !sides.every((d) => Number.isInteger(d) && (d as number) >= 0)) return null
  const [padTop, padBottom, padLeft, padRight] = sides as number[]
  return { padTop, padBottom, padLeft, padRight }
}
