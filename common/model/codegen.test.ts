import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateKeras } from './codegen-keras'
import { generateTfjs } from './codegen-tfjs'
import { MODEL_FORMAT, type ModelSpec } from './spec'
import { TEMPLATE_IDS, buildTemplate } from './templates'
import { CATALOG, LAYER_TYPES } from './catalog'

/** A spec using every catalog layer at least once (shapes need not work: code generation is textual). */
function everyLayer(): ModelSpec {
  const nodes = LAYER_TYPES.map((type, i) => ({ id: `n${i}`, type, params: {}, position: { x: 0, y: i } }))
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }))
  edges.push({ id: 'extra', source: 'n0', target: nodes.find((n) => CATALOG[n.type].inputs === 'many')!.id })
  return { format: MODEL_FORMAT, name: 'every "layer"', task: { kind: 'classification', classes: 4 }, nodes, edges }
}

const SPECS: Array<[string, ModelSpec]> = [...TEMPLATE_IDS.map((id): [string, ModelSpec] => [id, buildTemplate(id)]), ['every layer', everyLayer()]]

describe('generated code is deterministic', () => {
  for (const [name, spec] of SPECS) {
    it(`${name}`, () => {
      expect(generateTfjs(spec)).toBe(generateTfjs(structuredClone(spec)))
      expect(generateKeras(spec)).toBe(generateKeras(structuredClone(spec)))
    })
  }
})

describe('generated Keras code compiles with python3 -m py_compile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-keras-'))
  for (const [name, spec] of SPECS) {
    it(`${name}`, () => {
      const file = path.join(dir, `${name.replace(/\W/g, '_')}.py`)
      fs.writeFileSync(file, generateKeras(spec))
      execFileSync('python3', ['-m', 'py_compile', file], { stdio: 'pipe' })
    })
  }

  it('the GRU asks Keras for the TF.js variant', () => {
    expect(generateKeras(everyLayer())).toContain('layers.GRU(units=64, return_sequences=False, reset_after=False')
  })
})
