import fs from 'node:fs'
import path from 'node:path'
import type { DatasetItem, Preprocessing } from '../../../common/contract'
import { translate, type Locale } from '../../../common/i18n'
import { formatShape } from '../../../common/model/catalog'
import { analyzeModel, formatCount } from '../../../common/model/infer'
import type { ModelSpec } from '../../../common/model/spec'
import { decodeOutputs } from '../data/prepare-data'
import { withChromium } from './chromium'
import type { ExportContext, Exporter } from './exporter'

/** How the model did on the test split: counts, accuracy or errors, and the confusion matrix (rows: true class). */
export interface TestSummary {
  examples: number
  accuracy: number | null
  mae: number | null
  rmse: number | null
  confusion: { classes: string[]; matrix: number[][] } | null
}

/** Scores the studio's predictions on test items against their labels. */
export function summarizeTest(p: Preprocessing, items: DatasetItem[], output: Float32Array): TestSummary {
  const predictions = decodeOutputs(p, output, items.length)
  if (p.task === 'regression') {
    const errors = predictions.map((pr, i) => ('value' in pr ? pr.value : 0) - Number(items[i].label ?? 0))
    const n = Math.max(errors.length, 1)
    return {
      examples: items.length,
      accuracy: null,
      mae: errors.reduce((a, e) => a + Math.abs(e), 0) / n,
      rmse: Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / n),
      confusion: null
    }
  }
  const classes = p.classes ?? []
  const matrix = classes.map(() => classes.map(() => 0))
  let correct = 0
  predictions.forEach((pr, i) => {
    const truth = classes.indexOf(items[i].label ?? '')
    const guess = 'label' in pr ? classes.indexOf(pr.label) : -1
    if (truth >= 0 && guess >= 0) matrix[truth][guess]++
    if (truth >= 0 && truth === guess) correct++
  })
  return { examples: items.length, accuracy: items.length ? correct / items.length : null, mae: null, rmse: null, confusion: { classes, matrix } }
}

/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

const BOX_W = 200
const BOX_H = 46

/** The model's layers as an SVG diagram laid out as on the Build canvas (top to bottom when it has no layout). */
export function architectureSvg(spec: ModelSpec): string {
  const analysis = analyzeModel(spec)
  const nodes = analysis.order.map((id) => spec.nodes.find((n) => n.id === id)!)
  const laidOut = new Set(nodes.map((n) => `${n.position.x},${n.position.y}`)).size === nodes.length
  const at = new Map(nodes.map((n, i) => [n.id, laidOut ? { x: n.position.x, y: n.position.y } : { x: 0, y: i * (BOX_H + 34) }]))
  const xs = [...at.values()].map((p) => p.x)
  const ys = [...at.values()].map((p) => p.y)
  const minX = Math.min(...xs)
  const minY = Math.min(...ys)
  const pos = (id: string) => ({ x: at.get(id)!.x - minX + 10, y: at.get(id)!.y - minY + 10 })
  const width = Math.max(...xs) - minX + BOX_W + 20
  const height = Math.max(...ys) - minY + BOX_H + 20
  const edges = spec.edges
    .filter((e) => at.has(e.source) && at.has(e.target))
    .map((e) => {
      const a = pos(e.source)
      const b = pos(e.target)
      return `<path d="M${a.x + BOX_W / 2},${a.y + BOX_H} C${a.x + BOX_W / 2},${a.y + BOX_H + 24} ${b.x + BOX_W / 2},${b.y - 24} ${b.x + BOX_W / 2},${b.y}" class="edge"/>`
    })
  const boxes = nodes.map((n) => {
    const p = pos(n.id)
    const shape = analysis.nodes[n.id]?.outputShape
    return `<g><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="6" class="box"/><text x="${p.x + 10}" y="${p.y + 19}" class="type">${escapeHtml(n.type)}</text><text x="${p.x + 10}" y="${p.y + 36}" class="shape">${escapeHtml(n.id)} · ${shape ? formatShape(shape) : '?'}</text></g>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${edges.join('')}${boxes.join('')}</svg>`
}

const paragraphs = (text: string, empty: string): string =>
  text.trim() ? text.trim().split(/\n\s*\n/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') : `<p class="muted">${escapeHtml(empty)}</p>`

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`

/** The model card as one self-contained HTML page (no scripts, no network). */
export function modelCardHtml(ctx: Pick<ExportContext, 'spec' | 'preprocessing' | 'dataset' | 'run' | 'job' | 'locale'>, test: TestSummary): string {
  const t = (key: string, params: Record<string, string | number> = {}) => escapeHtml(translate(ctx.locale as Locale, `export.card.${key}`, params))
  const { dataset, run, spec, preprocessing: p } = ctx
  const analysis = analyzeModel(spec)
  const total = Object.values(analysis.nodes).reduce((a, n) => a + n.params, 0)
  const maxClass = Math.max(1, ...dataset.classes.map((c) => c.count))
  const classRows = dataset.classes
    .map((c) => `<tr><td>${escapeHtml(c.label)}</td><td class="num">${c.count}</td><td><div class="bar" style="width:${Math.round((c.count / maxClass) * 200)}px"></div></td></tr>`)
    .join('')
  const layerRows = analysis.order
    .map((id) => {
      const n = analysis.nodes[id]
      return `<tr><td>${escapeHtml(id)}</td><td>${escapeHtml(n.type)}</td><td>${n.outputShape ? formatShape(n.outputShape) : '?'}</td><td class="num">${formatCount(n.params)}</td></tr>`
    })
    .join('')
  const c = run.config
  const settings: Array<[string, string]> = [
    [t('epochs'), `${run.epochsDone} / ${c.epochs}`],
    [t('batchSize'), String(c.batchSize)],
    [t('learningRate'), String(c.learningRate)],
    [t('optimizer'), c.optimizer],
    [t('seed'), String(c.seed)],
    [t('backend'), run.backend ?? '?'],
    [t('earlyStopping'), c.earlyStopping.enabled ? t('yesPatience', { patience: c.earlyStopping.patience }) : t('no')],
    [t('augmentation'), Object.entries(c.augmentation).filter(([, v]) => v).map(([k, v]) => (v === true ? k : `${k} ${v}`)).join(', ') || t('no')]
  ]
  const last = run.history[run.history.length - 1]
  const metricRows = last ? Object.entries(last.metrics).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${v.toFixed(4)}</td></tr>`).join('') : ''
  const testLines = [
    test.accuracy !== null ? `<tr><td>${t('accuracy')}</td><td class="num" data-metric="accuracy">${pct(test.accuracy)}</td></tr>` : '',
    test.mae !== null ? `<tr><td>${t('mae')}</td><td class="num" data-metric="mae">${test.mae.toFixed(4)}</td></tr>` : '',
    test.rmse !== null ? `<tr><td>${t('rmse')}</td><td class="num" data-metric="rmse">${test.rmse.toFixed(4)}</td></tr>` : ''
  ].join('')
  const confusion = test.confusion
    ? `<table class="confusion" data-testid="confusion"><tr><th>${t('trueVsPredicted')}</th>${test.confusion.classes.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr>${test.confusion.matrix
        .map((row, i) => {
          const sum = Math.max(1, row.reduce((a, b) => a + b, 0))
          return `<tr><th>${escapeHtml(test.confusion!.classes[i])}</th>${row.map((v, j) => `<td class="num${i === j ? ' diag' : ''}" style="background:rgba(37,99,235,${(v / sum) * 0.6})">${v}</td>`).join('')}</tr>`
        })
        .join('')}</table>`
    : ''
  const input = p.kind === 'images' ? t('inputImages', { width: p.width, height: p.height, channels: p.channels, scale: p.scale }) : p.kind === 'table' ? t('inputTable', { features: p.features.map((f) => f.column).join(', ') }) : t('inputText', { length: p.sequenceLength, words: p.vocabulary.length })
  const title = spec.name ?? `Run ${run.id}`
  return `<!doctype html>
<html lang="${ctx.locale}">
<head>
<meta charset="utf-8">
<title>${t('title', { name: title })}</title>
<style>
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;max-width:900px;margin:2em auto;padding:0 1.5em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #d9dee5;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d9dee5;padding:3px 8px;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#6b7785}.bar{height:10px;background:#2563eb;border-radius:2px}.diag{font-weight:bold}
svg .box{fill:#eef2f8;stroke:#5b6b80}svg .edge{fill:none;stroke:#8593a3;stroke-width:1.5}svg .type{font:600 13px sans-serif;fill:#1f2933}svg .shape{font:11px sans-serif;fill:#5b6b80}
.diagram{overflow:auto;max-width:100%}@media print{.diagram{overflow:visible}h2{break-after:avoid}table,svg{break-inside:avoid}}
</style>
</head>
<body>
<h1>${t('title', { name: title })}</h1>
<p class="muted">${t('generated', { date: new Date().toISOString().slice(0, 10), version: ctx.job.version, run: run.id })}</p>
<h2>${t('intendedUse')}</h2>
<section data-testid="intended-use">${paragraphs(ctx.job.card.intendedUse, translate(ctx.locale as Locale, 'export.card.notWritten'))}</section>
<h2>${t('limitations')}</h2>
<section data-testid="limitations">${paragraphs(ctx.job.card.limitations, translate(ctx.locale as Locale, 'export.card.notWritten'))}</section>
<h2>${t('data')}</h2>
<table>
<tr><td>${t('dataset')}</td><td>${escapeHtml(dataset.name)} (${escapeHtml(dataset.kind)})</td></tr>
<tr><td>${t('source')}</td><td>${escapeHtml(dataset.source)}</td></tr>
<tr><td>${t('items')}</td><td class="num" data-testid="item-count">${dataset.itemCount}</td></tr>
<tr><td>${t('splits')}</td><td>${t('splitCounts', { train: dataset.splits.train, validation: dataset.splits.validation, test: dataset.splits.test })}</td></tr>
${dataset.target ? `<tr><td>${t('target')}</td><td>${escapeHtml(dataset.target)}</td></tr>` : ''}
<tr><td>${t('input')}</td><td>${input}</td></tr>
</table>
${classRows ? `<h3>${t('classBalance')}</h3><table data-testid="class-balance"><tr><th>${t('class')}</th><th>${t('count')}</th><th></th></tr>${classRows}</table>` : ''}
<h2>${t('architecture')}</h2>
<div class="diagram">${architectureSvg(spec)}</div>
<table><tr><th>${t('layer')}</th><th>${t('type')}</th><th>${t('outputShape')}</th><th>${t('parameters')}</th></tr>${layerRows}</table>
<p>${t('totalParameters', { count: formatCount(total) })}</p>
<h2>${t('training')}</h2>
<table>${settings.map(([k, v]) => `<tr><td>${k}</td><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>${t('metrics')}</h2>
${metricRows ? `<h3>${t('lastEpoch', { epoch: last.epoch })}</h3><table data-testid="epoch-metrics">${metricRows}</table>` : ''}
<h3>${t('testSet', { count: test.examples })}</h3>
${test.examples ? `<table data-testid="test-metrics">${testLines}</table>${confusion}` : `<p class="muted">${t('noTest')}</p>`}
</body>
</html>
`
}

/** The model card: HTML always, and a PDF printed by Chromium where Chromium is available. */
export const exportModelCard: Exporter = async (ctx, progress) => {
  const { items, output } = await ctx.testPredictions()
  const html = modelCardHtml(ctx, summarizeTest(ctx.preprocessing, items, output))
  const htmlFile = path.join(ctx.dir, 'model-card.html')
  fs.writeFileSync(htmlFile, html)
  progress('verifying')
  const pdf = await withChromium(async (browser) => {
    const page = await browser.newPage()
    await page.setContent(html, { waitUntil: 'load' })
    await page.pdf({ path: path.join(ctx.dir, 'model-card.pdf'), format: 'A4', printBackground: true, margin: { top: '16mm', bottom: '16mm', left: '12mm', right: '12mm' } })
  })
  const files = pdf.ok ? ['model-card.html', 'model-card.pdf'] : ['model-card.html']
  return { status: 'written', maxDiff: null, examples: items.length, checkedWith: pdf.ok ? 'Chromium' : null, files, note: pdf.ok ? null : { key: 'pdfNeedsChromium', params: { reason: pdf.reason } } }
}
