/**
 * The studio's word tokenizer (`strata-words/1`): lower-cased words and numbers (letters of any script, digits and
 * apostrophes), CJK characters one by one. Training, prediction and every export split texts with this function.
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}']+/gu) ?? []
}

/** Token id 0: padding after the last word. */
export const PAD_ID = 0
/** Token id 1: a word not in the vocabulary. */
export const UNKNOWN_ID = 1

/** Word → token id: a vocabulary's words are ids 2, 3, … in order. */
export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((w, i) => [w, i + 2]))
}

/** Token ids of a text, padded or cut to `length`. */
export function encodeText(text: string, index: Map<string, number>, length: number, out: Float32Array, offset = 0): void {
  const tokens = tokenize(text)
  for (let i = 0; i < length; i++) out[offset + i] = i < tokens.length ? (index.get(tokens[i]) ?? UNKNOWN_ID) : PAD_ID
}

/** The share of training texts a chosen sequence length holds whole: the rest are cut. */
export const SEQUENCE_PERCENTILE = 0.95
/** Longest sequence length chosen from data (a longer one makes every step slower for few texts). */
export const MAX_SEQUENCE_LENGTH = 500
/** Shortest sequence length chosen from data. */
export const MIN_SEQUENCE_LENGTH = 8

/**
 * The sequence length for texts of these word counts: the 95th percentile (so 19 texts in 20 fit whole), at least
 * 8 and at most 500 words; and how many of the texts it cuts.
 */
export function chooseSequenceLength(wordCounts: readonly number[]): { length: number; cut: number; percentile: number } {
  const sorted = [...wordCounts].sort((a, b) => a - b)
  const at = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(SEQUENCE_PERCENTILE * sorted.length) - 1)] : MIN_SEQUENCE_LENGTH
  const length = Math.min(MAX_SEQUENCE_LENGTH, Math.max(MIN_SEQUENCE_LENGTH, at))
  return { length, cut: countLonger(wordCounts, length), percentile: SEQUENCE_PERCENTILE * 100 }
}

/** How many of the word counts are longer than `length` (texts cut at it). */
export function countLonger(wordCounts: readonly number[], length: number): number {
  return wordCounts.reduce((n, c) => n + (c > length ? 1 : 0), 0)
}
