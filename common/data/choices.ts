import type { ChoiceDifference } from '../contract/dataset'

/** A message-table lookup in the reader's language. */
type Translate = (key: string, params?: Record<string, string | number>) => string

/** One value of an import choice in words: none, yes/no, a type's name, or the value itself (a column name, a code). */
function choiceValue(t: Translate, d: ChoiceDifference, value: string): string {
  if (value === '') return t('data.choiceValues.none')
  if (d.choice === 'excluded') return t(value === 'true' ? 'data.choiceValues.excluded' : 'data.choiceValues.used')
  if (d.choice === 'type' || d.choice === 'kind') return t(d.choice === 'type' ? `data.types.${value}` : `data.kinds.${value}`)
  return value
}

/** How two imports of the same file differ in one choice, as one line in the reader's language ("target: species → island"). */
export function differenceText(t: Translate, d: ChoiceDifference): string {
  return t('data.choiceLine', { choice: t(`data.choices.${d.choice}`, { column: d.column ?? '' }), from: choiceValue(t, d, d.from), to: choiceValue(t, d, d.to) })
}
