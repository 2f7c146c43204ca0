/**
 * How one raw table cell (a string, or null when the file had none) is read: the one place that decides whether a
 * cell is a number, and which number. Used by the studio's encoder and, through the same source, by every export.
 */

/** A cell as a number: plain or thousands-separated numbers as they are, dates as days since 1970-01-01; null when missing or unreadable. */
export function parseNumberCell(cell: string | null): number | null {
  if (cell === null || cell.trim() === '') return null
  const v = Number(cell.replace(/,/g, ''))
  if (Number.isFinite(v)) return v
  const t = Date.parse(cell)
  return Number.isFinite(t) ? t / 86_400_000 : null
}

/** Whether a flag cell says yes: its trimmed, lower-cased text is one of `truthy`. */
export function isTruthyCell(cell: string | null, truthy: readonly string[]): boolean {
  return cell !== null && truthy.includes(cell.trim().toLowerCase())
}

/** The texts a yes/no column reads as yes. */
export const TRUTHY_CELLS = ['true', 'yes', 'y', '1', 't']
