/**
 * Public pretrained models the base download form offers as choices: where each one's TF.js model.json is, the
 * sha256 of model.json followed by its weight files in manifest order (what `downloadModel` checks), its licence and
 * download size. An entry is only added with a checksum computed from the real files; the table stays empty until
 * one is verified (a guessed checksum would make every download fail as "damaged").
 */
export interface KnownBase {
  id: string
  name: string
  /** Address of model.json; its weight files are fetched next to it. */
  url: string
  /** sha256 (hex) of model.json then each weight file, as `downloadModel` computes it. */
  sha256: string
  licence: string
  /** Bytes of model.json and its weight files together. */
  bytes: number
}

export const KNOWN_BASES: readonly KnownBase[] = []
