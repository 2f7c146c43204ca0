/**
 * Writes common/data/fixtures/awkward-rows.json, the shared fixture every encoder implementation is checked against,
 * from the TypeScript encoder: npx tsx scripts/make-awkward-rows.ts
 */
import fs from 'node:fs'
import path from 'node:path'
import { awkwardRows } from '../common/data/fixtures/awkward-rows'

const file = path.resolve(__dirname, '..', 'common', 'data', 'fixtures', 'awkward-rows.json')
fs.writeFileSync(file, JSON.stringify(awkwardRows(), null, 2) + '\n')
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`)
