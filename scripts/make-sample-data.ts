/**
 * Writes the small datasets the sample projects ship with (resources/samples/*.csv). They are made by the project
 * itself, deterministically, so they can be shipped and regenerated: npx tsx scripts/make-sample-data.ts
 */
import fs from 'node:fs'
import path from 'node:path'
import { seededRandom } from '../common/random'

const OUT = path.resolve(__dirname, '..', 'resources', 'samples')
const random = seededRandom(20261123)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]

function line(): string {
  const rows = ['x,y']
  for (let i = 0; i < 100; i++) {
    const x = Math.round((random() * 20 - 10) * 1000) / 1000
    rows.push(`${x},${Math.round((0.1 * x + 0.3) * 1e6) / 1e6}`)
  }
  return rows.join('\n') + '\n'
}

function churn(): string {
  const rows = ['customer_id,tenure_months,plan,monthly_fee,support_calls,has_partner,contract,churned']
  for (let i = 0; i < 1200; i++) {
    const tenure = Math.floor(random() * 72)
    const plan = pick(['basic', 'plus', 'pro'] as const)
    const fee = { basic: 25, plus: 55, pro: 90 }[plan] + Math.round(random() * 15)
    const calls = Math.floor(random() * random() * 10)
    const partner = random() < 0.45 ? 'yes' : 'no'
    const contract = pick(['monthly', 'monthly', 'yearly', 'two-year'] as const)
    let risk = -1.2 + (contract === 'monthly' ? 1.3 : contract === 'yearly' ? 0 : -1.2) - tenure / 30 + calls * 0.45 + (partner === 'yes' ? -0.4 : 0.2) + (plan === 'basic' ? 0.3 : 0)
    risk += (random() - 0.5) * 1.2
    const churned = 1 / (1 + Math.exp(-risk)) > 0.5 ? 'yes' : 'no'
    const feeCell = random() < 0.03 ? '' : String(fee)
    rows.push(`C${10000 + i},${tenure},${plan},${feeCell},${calls},${partner},${contract},${churned}`)
  }
  return rows.join('\n') + '\n'
}

const GOOD = ['great', 'excellent', 'love', 'loved', 'perfect', 'fantastic', 'reliable', 'comfortable', 'fast', 'beautiful', 'sturdy', 'recommend', 'happy', 'works well', 'worth every penny']
const BAD = ['terrible', 'awful', 'broke', 'broken', 'disappointed', 'waste', 'slow', 'cheap', 'refund', 'returned', 'useless', 'flimsy', 'never again', 'stopped working', 'poor']
const THINGS = ['blender', 'backpack', 'desk lamp', 'kettle', 'headphones', 'office chair', 'phone case', 'coffee grinder', 'rain jacket', 'keyboard', 'water bottle', 'tent']
const FILLER = ['I bought this', 'Got the', 'Ordered a', 'We tried the', 'My partner gave me the', 'Picked up the']
const TAILS = ['after a week of use.', 'for my new flat.', 'as a gift.', 'on sale.', 'for travel.', 'last month.']

function review(positive: boolean): string {
  const words = positive ? GOOD : BAD
  const mixed = random() < 0.15 ? pick(positive ? BAD : GOOD) : null
  const parts = [`${pick(FILLER)} ${pick(THINGS)} ${pick(TAILS)}`, `It is ${pick(words)} and ${pick(words)}.`]
  if (mixed) parts.push(`The box was ${mixed} though.`)
  if (random() < 0.5) parts.push(positive ? `Would ${pick(['buy', 'order'])} again! 👍` : `Really ${pick(words)}. 👎`)
  if (random() < 0.1) parts.push('\nEdit: still the same opinion.')
  return parts.join(' ')
}

function reviews(): string {
  const rows = ['review,sentiment']
  for (let i = 0; i < 600; i++) {
    const positive = random() < 0.55
    rows.push(`"${review(positive).replace(/"/g, '""')}",${positive ? 'positive' : 'negative'}`)
  }
  return rows.join('\n') + '\n'
}

fs.mkdirSync(OUT, { recursive: true })
fs.writeFileSync(path.join(OUT, 'line.csv'), line())
fs.writeFileSync(path.join(OUT, 'churn.csv'), churn())
fs.writeFileSync(path.join(OUT, 'reviews.csv'), reviews())
console.log(`wrote ${OUT}/{line,churn,reviews}.csv`)
