import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { MESSAGES, type Locale } from '../../../common/i18n'
import { withChromium } from './chromium'
import type { ExportContext, Exporter } from './exporter'
import { escapeHtml } from './model-card'
import { predictLayersFolder, preprocessingManifest, writeLayersModel } from './tfjs'
import { maxAbsDiff, VERIFY_TOLERANCE } from './verify'

/** Image examples the page is checked on (their pixels travel into the page as JSON). */
const PAGE_IMAGE_EXAMPLES = 16

/**
 * The page's script: loads the embedded model with TF.js (cpu backend, so answers match the studio's to the last
 * digits), encodes a dropped image, a typed table row or a text exactly as the studio does, and shows the answer.
 * `window.strataPage` exposes the same steps to scripts (and to Strata's check of the page).
 */
const APP_JS = String.raw`'use strict'
;(function () {
  var data = window.STRATA_MODEL
  var p = data.preprocessing.preprocessing
  var text = data.text
  var shape = data.preprocessing.input.shape.slice(1)
  var size = shape.reduce(function (a, b) { return a * b }, 1)

  function bufferOf(b64) {
    var bin = atob(b64)
    var out = new Uint8Array(bin.length)
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out.buffer
  }

  var ready = tf.setBackend('cpu').then(function () {
    return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: data.modelTopology, weightSpecs: data.weightSpecs, weightData: bufferOf(data.weightData) }))
  })

  // Format 3's cell rules (common/data/cells.ts), until the page bundles that module itself (issue 21).
  var LEGACY_MISSING = ['', 'na', 'n/a', 'nan', 'null', '?']
  function isMissing(cell, tokens) {
    if (cell === null || cell === undefined) return true
    return (tokens || LEGACY_MISSING).indexOf(String(cell).trim().toLowerCase()) >= 0
  }

  function parseNumber(cell, decimal) {
    var s = String(cell).trim()
    var text = null
    if (decimal === ',') {
      if (/^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/.test(s)) text = s.replace(',', '.')
      else if (/^[+-]?\d{1,3}(\.\d{3})+(,\d*)?([eE][+-]?\d+)?$/.test(s)) text = s.replace(/\./g, '').replace(',', '.')
    } else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) text = s
    else if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?([eE][+-]?\d+)?$/.test(s)) text = s.replace(/,/g, '')
    var v = text === null ? NaN : Number(text)
    return Number.isFinite(v) ? v : null
  }

  function daysOf(y, mo, d, h, mi, sec, offset) {
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null
    var t = Date.UTC(y, mo - 1, d, h, mi, sec)
    var c = new Date(t)
    if (c.getUTCDate() !== d || c.getUTCMonth() !== mo - 1) return null
    return (t - offset * 60000) / 86400000
  }

  function parseDate(cell, order) {
    var s = String(cell).trim()
    var m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(s)
    if (m) {
      var offset = 0
      if (m[8] && m[8].toUpperCase() !== 'Z') {
        var z = m[8].replace(':', '')
        offset = (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)))
      }
      return daysOf(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0) + Number(m[7] || 0), offset)
    }
    m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?$/.exec(s)
    if (!m || order === 'ymd') return null
    var a = Number(m[1])
    var b = Number(m[2])
    var y = m[3].length === 4 ? Number(m[3]) : Number(m[3]) < 70 ? 2000 + Number(m[3]) : 1900 + Number(m[3])
    return order === 'dmy' ? daysOf(y, b, a, Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0), 0) : daysOf(y, a, b, Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0), 0)
  }

  function encodeRow(row, out, offset) {
    var o = offset
    p.features.forEach(function (f) {
      var raw = row[f.position] === undefined ? null : row[f.position]
      var cell = isMissing(raw, f.missing) ? null : raw
      if (f.type === 'number') {
        var v = cell === null ? null : parseNumber(cell, f.decimal)
        var value = v !== null ? v : f.fill !== undefined ? f.fill : f.mean
        out[o++] = (value - f.mean) / f.std
      } else if (f.type === 'date') {
        var days = cell === null ? null : parseDate(cell, f.order)
        out[o++] = ((days === null ? f.fill : days) - f.mean) / f.std
        var year = 365.2425
        var turn = days === null ? 0 : (2 * Math.PI * (((days % year) + year) % year)) / year
        out[o++] = days === null ? 0 : Math.sin(turn)
        out[o++] = days === null ? 0 : Math.cos(turn)
      } else if (f.type === 'flag') {
        out[o++] = cell === null ? f.fill || 0 : f.truthy.indexOf(String(cell).trim().toLowerCase()) >= 0 ? 1 : 0
      } else {
        var k = cell === null ? -1 : f.categories.indexOf(cell)
        for (var i = 0; i < f.categories.length; i++) out[o + i] = i === k ? 1 : 0
        o += f.categories.length
      }
    })
  }

  var vocabulary = p.kind === 'text' ? new Map(p.vocabulary.map(function (w, i) { return [w, i + 2] })) : null
  function encodeText(value, out, offset) {
    var tokens = value.toLowerCase().match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]|[\p{L}\p{N}']+/gu) || []
    for (var i = 0; i < p.sequenceLength; i++) out[offset + i] = i < tokens.length ? (vocabulary.get(tokens[i]) || 1) : 0
  }

  function encodePixels(bytes, out, offset) {
    for (var i = 0; i < size; i++) out[offset + i] = bytes[i] * p.scale
  }

  /** An image element drawn at the model's size (stretched), as bytes in the model's layout. */
  function imagePixels(image) {
    var canvas = document.createElement('canvas')
    canvas.width = p.width
    canvas.height = p.height
    var g = canvas.getContext('2d')
    g.drawImage(image, 0, 0, p.width, p.height)
    var rgba = g.getImageData(0, 0, p.width, p.height).data
    var out = new Uint8Array(size)
    for (var i = 0; i < p.width * p.height; i++) {
      if (p.channels === 3) {
        out[i * 3] = rgba[i * 4]
        out[i * 3 + 1] = rgba[i * 4 + 1]
        out[i * 3 + 2] = rgba[i * 4 + 2]
      } else out[i] = Math.round(0.299 * rgba[i * 4] + 0.587 * rgba[i * 4 + 1] + 0.114 * rgba[i * 4 + 2])
    }
    return out
  }

  function run(examples, encode) {
    return ready.then(function (model) {
      var x = new Float32Array(examples.length * size)
      examples.forEach(function (e, i) { encode(e, x, i * size) })
      return tf.tidy(function () { return model.predict(tf.tensor(x, [examples.length].concat(shape))).dataSync() })
    })
  }

  function decode(outputs) {
    var row = Array.from(outputs)
    if (p.task === 'regression') {
      var mean = p.kind === 'table' ? p.targetMean : 0
      var std = p.kind === 'table' ? p.targetStd : 1
      return { value: row[0] * std + mean }
    }
    var probs = p.task === 'binary' ? [1 - row[0], row[0]] : row
    var classes = p.classes || probs.map(function (_, i) { return String(i) })
    var best = probs.indexOf(Math.max.apply(null, probs))
    return { label: classes[best], probabilities: classes.map(function (c, k) { return [c, probs[k]] }) }
  }

  function show(outputs) {
    var answer = decode(outputs)
    var box = document.getElementById('result')
    box.innerHTML = ''
    if ('value' in answer) {
      box.textContent = text.value + ' ' + answer.value.toFixed(4)
      box.setAttribute('data-answer', String(answer.value))
      return
    }
    box.setAttribute('data-answer', answer.label)
    var head = document.createElement('strong')
    head.textContent = answer.label
    box.appendChild(head)
    answer.probabilities.sort(function (a, b) { return b[1] - a[1] }).forEach(function (pair) {
      var line = document.createElement('div')
      line.className = 'prob'
      line.innerHTML = '<span></span><div class="bar"></div><span class="num"></span>'
      line.children[0].textContent = pair[0]
      line.children[1].style.width = Math.round(pair[1] * 200) + 'px'
      line.children[2].textContent = (pair[1] * 100).toFixed(1) + ' %'
      box.appendChild(line)
    })
  }

  function setupImages() {
    var input = document.getElementById('image-file')
    var drop = document.getElementById('drop')
    var preview = document.getElementById('preview')
    function useFile(file) {
      var url = URL.createObjectURL(file)
      preview.onload = function () { run([imagePixels(preview)], encodePixels).then(show) }
      preview.src = url
    }
    input.addEventListener('change', function () { if (input.files[0]) useFile(input.files[0]) })
    drop.addEventListener('dragover', function (e) { e.preventDefault(); drop.classList.add('over') })
    drop.addEventListener('dragleave', function () { drop.classList.remove('over') })
    drop.addEventListener('drop', function (e) {
      e.preventDefault()
      drop.classList.remove('over')
      if (e.dataTransfer.files[0]) useFile(e.dataTransfer.files[0])
    })
  }

  function setupTable() {
    var form = document.getElementById('row-form')
    var width = p.features.reduce(function (m, f) { return Math.max(m, f.position + 1) }, 0)
    p.features.forEach(function (f) {
      var label = document.createElement('label')
      label.textContent = f.column
      var field = document.createElement('input')
      field.name = String(f.position)
      if (f.type === 'onehot') {
        field.setAttribute('list', 'list-' + f.position)
        var list = document.createElement('datalist')
        list.id = 'list-' + f.position
        f.categories.forEach(function (c) { var o = document.createElement('option'); o.value = c; list.appendChild(o) })
        label.appendChild(list)
      }
      label.appendChild(field)
      form.insertBefore(label, form.lastElementChild)
    })
    form.addEventListener('submit', function (e) {
      e.preventDefault()
      var row = new Array(width).fill(null)
      Array.prototype.forEach.call(form.querySelectorAll('input'), function (field) { row[Number(field.name)] = field.value === '' ? null : field.value })
      run([row], encodeRow).then(show)
    })
  }

  function setupText() {
    var form = document.getElementById('text-form')
    form.addEventListener('submit', function (e) {
      e.preventDefault()
      run([document.getElementById('text-input').value], encodeText).then(show)
    })
  }

  document.querySelectorAll('[data-kind]').forEach(function (el) { el.hidden = el.getAttribute('data-kind') !== p.kind })
  if (p.kind === 'images') setupImages()
  else if (p.kind === 'table') setupTable()
  else setupText()
  ready.then(function () { document.getElementById('status').textContent = text.ready })

  window.strataPage = {
    ready: ready,
    /** Raw model outputs for table rows (cells in file column order). */
    predictRows: function (rows) { return run(rows, encodeRow).then(Array.from) },
    /** Raw model outputs for texts. */
    predictTexts: function (texts) { return run(texts, encodeText).then(Array.from) },
    /** Raw model outputs for images given as bytes at the model's size and layout. */
    predictPixels: function (images) { return run(images, encodePixels).then(Array.from) },
    decode: decode
  }
})()
`

function pageHtml(title: string, text: Record<string, string>, locale: string): string {
  const h = (key: string) => escapeHtml(text[key] ?? key)
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;max-width:720px;margin:2em auto;padding:0 1.2em}
#drop{border:2px dashed #8593a3;border-radius:10px;padding:2em;text-align:center}#drop.over{background:#eef2f8}
#preview{max-width:224px;max-height:224px;display:block;margin:1em auto}#preview:not([src]){display:none}
label{display:block;margin:.4em 0}input:not([type=file]),textarea{display:block;width:100%;box-sizing:border-box;padding:.4em;font:inherit}
button{margin-top:.8em;padding:.5em 1.2em;font:inherit}#result{margin-top:1.5em}.prob{display:flex;gap:.6em;align-items:center}
.prob span:first-child{min-width:8em}.bar{height:10px;background:#2563eb;border-radius:2px}.muted{color:#6b7785}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">${h('offline')} <span id="status">${h('loading')}</span></p>
<section data-kind="images" hidden>
<div id="drop">${h('dropImage')}<br><input type="file" id="image-file" accept="image/*"></div>
<img id="preview" alt="">
</section>
<section data-kind="table" hidden>
<p>${h('rowHint')}</p>
<form id="row-form"><button type="submit">${h('predict')}</button></form>
</section>
<section data-kind="text" hidden>
<form id="text-form"><label>${h('typeText')}<textarea id="text-input" rows="5"></textarea></label><button type="submit">${h('predict')}</button></form>
</section>
<div id="result" aria-live="polite"></div>
<script src="tf.min.js"></script>
<script src="model-data.js"></script>
<script src="app.js"></script>
</body>
</html>
`
}

/** The TF.js browser bundle shipped with Strata. */
export function tfjsBrowserBundle(): string {
  return createRequire(__filename).resolve('@tensorflow/tfjs/dist/tf.min.js')
}

/** The held-out examples as the page takes them, and the studio's outputs for exactly those. */
function pageExamples(ctx: ExportContext): { method: 'predictRows' | 'predictTexts' | 'predictPixels'; examples: unknown[]; expected: Float32Array } {
  const { items, expected, x } = ctx.heldOut
  const p = ctx.preprocessing
  if (p.kind === 'table') return { method: 'predictRows', examples: items.map((i) => i.row ?? []), expected }
  if (p.kind === 'text') return { method: 'predictTexts', examples: items.map((i) => i.text ?? ''), expected }
  const n = Math.min(items.length, PAGE_IMAGE_EXAMPLES)
  const size = x.length / items.length
  const examples = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * size, (i + 1) * size), (v) => Math.round(v / p.scale)))
  return { method: 'predictPixels', examples, expected: expected.subarray(0, (expected.length / items.length) * n) }
}

/**
 * An offline web page: index.html, app.js, the TF.js runtime and the model (embedded in model-data.js so it opens from
 * the file system with no server). Verified by opening it in Chromium and comparing its predictions with the studio's.
 */
export const exportWebPage: Exporter = async (ctx, progress) => {
  const modelDir = path.join(ctx.dir, 'model')
  fs.mkdirSync(modelDir)
  const modelFiles = (await writeLayersModel(ctx.tf, ctx.model, modelDir, `Strata ${ctx.job.version}`)).map((f) => `model/${f}`)
  const manifest = preprocessingManifest(ctx)
  fs.writeFileSync(path.join(modelDir, 'preprocessing.json'), JSON.stringify(manifest, null, 2))
  const saved = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8')) as { modelTopology: unknown; weightsManifest: Array<{ weights: unknown }> }
  const text = (MESSAGES[ctx.locale as Locale] ?? MESSAGES.en).export.page
  const embedded = {
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightsManifest[0].weights,
    weightData: fs.readFileSync(path.join(modelDir, 'weights.bin')).toString('base64'),
    preprocessing: manifest,
    text
  }
  fs.writeFileSync(path.join(ctx.dir, 'model-data.js'), `window.STRATA_MODEL = ${JSON.stringify(embedded)};\n`)
  fs.writeFileSync(path.join(ctx.dir, 'app.js'), APP_JS)
  fs.copyFileSync(tfjsBrowserBundle(), path.join(ctx.dir, 'tf.min.js'))
  const title = ctx.spec.name ?? text.title
  fs.writeFileSync(path.join(ctx.dir, 'index.html'), pageHtml(title, text, ctx.locale))
  const files = ['index.html', 'app.js', 'model-data.js', 'tf.min.js', ...modelFiles, 'model/preprocessing.json']

  progress('verifying')
  const { method, examples, expected } = pageExamples(ctx)
  const inPage = await withChromium(async (browser) => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (err) => errors.push(err.message))
    await page.goto(pathToFileURL(path.join(ctx.dir, 'index.html')).href)
    const outputs = await page.evaluate(
      async ([m, ex]) => {
        const api = (globalThis as unknown as { strataPage?: Record<string, (e: unknown[]) => Promise<number[]>> & { ready: Promise<unknown> } }).strataPage
        if (!api) return null
        await api.ready
        return api[m](ex)
      },
      [method, examples] as const
    )
    if (!outputs) throw new Error(`the page did not start: ${errors.join('; ') || 'no strataPage'}`)
    return outputs
  })
  if (inPage.ok) {
    const maxDiff = maxAbsDiff(inPage.value, expected)
    return { status: maxDiff <= VERIFY_TOLERANCE ? 'verified' : 'failed', maxDiff, examples: examples.length, checkedWith: 'Chromium', files, note: null }
  }
  // No Chromium here: the model files are still checked in TF.js; the page's own script is not run.
  const actual = await predictLayersFolder(ctx.tf, modelDir, ctx.heldOut.x, ctx.heldOut.shape)
  const maxDiff = maxAbsDiff(actual, ctx.heldOut.expected)
  return {
    status: maxDiff <= VERIFY_TOLERANCE ? 'verified' : 'failed',
    maxDiff,
    examples: ctx.heldOut.items.length,
    checkedWith: 'TF.js',
    files,
    note: { key: 'pageNotRun', params: { reason: inPage.reason } }
  }
}
