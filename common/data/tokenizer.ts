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
