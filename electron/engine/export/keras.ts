import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { kerasBuildFunction } from '../../../common/model/codegen-keras'
import type { ExportNote } from '../../../common/contract'
import type { Exporter } from './exporter'
import { layerWeights } from './model-weights'
import { writePreprocessing } from './tfjs'

/** Writes all weights as little-endian float32 into one file with a JSON index: readable by numpy with no other library. */
function writePortableWeights(weights: Record<string, Array<{ shape: number[]; values: Float32Array }>>, dir: string): string[] {
  const index: Record<string, Array<{ shape: number[]; offset: number }>> = {}
  const parts: Buffer[] = []
  let offset = 0
  for (const [layer, list] of Object.entries(weights)) {
    if (!list.length) continue
    index[layer] = list.map((w) => {
      const bytes = Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength)
      parts.push(bytes)
      const entry = { shape: w.shape, offset }
      offset += bytes.length
      return entry
    })
  }
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(parts))
  fs.writeFileSync(path.join(dir, 'weights.json'), JSON.stringify({ format: 'strata.weights/1', dtype: 'float32', byteOrder: 'little', layers: index }, null, 2))
  return ['weights.bin', 'weights.json']
}

const PYTHON_HELPERS = String.raw`
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "preprocessing.json"), encoding="utf-8") as _f:
    PREPROCESSING = json.load(_f)["preprocessing"]


def tfjs_hard_sigmoid(x):
    """TF.js's recurrent activation: clip(0.2 x + 0.5, 0, 1) (Keras's own hard_sigmoid differs)."""
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


def load_weights(model: keras.Model) -> keras.Model:
    """Loads the trained weights Strata wrote (weights.json + weights.bin, float32 little-endian)."""
    with open(os.path.join(HERE, "weights.json"), encoding="utf-8") as f:
        index = json.load(f)["layers"]
    with open(os.path.join(HERE, "weights.bin"), "rb") as f:
        data = f.read()
    for name, tensors in index.items():
        values = [
            np.frombuffer(data, dtype="<f4", count=int(np.prod(t["shape"])), offset=t["offset"]).reshape(t["shape"])
            for t in tensors
        ]
        model.get_layer(name).set_weights(values)
    return model


def _number(cell):
    if cell is None or str(cell).strip() == "":
        return None
    text = str(cell).replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    try:
        stamp = datetime.datetime.fromisoformat(str(cell)).replace(tzinfo=datetime.timezone.utc)
        return stamp.timestamp() / 86400.0
    except ValueError:
        return None


def _encode_row(row) -> list:
    """A table row (a list of cells in the file's column order, or a dict by column name) as model inputs."""
    out = []
    for f in PREPROCESSING["features"]:
        cell = row.get(f["column"]) if isinstance(row, dict) else row[f["position"]]
        cell = None if cell is None else str(cell)
        if f["type"] == "number":
            v = _number(cell)
            out.append(0.0 if v is None else (v - f["mean"]) / f["std"])
        elif f["type"] == "flag":
            out.append(1.0 if cell is not None and cell.strip().lower() in f["truthy"] else 0.0)
        else:
            out.extend(1.0 if cell == c else 0.0 for c in f["categories"])
    return out


_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|(?:[^\W_]|')+")


def _encode_text(text: str) -> list:
    index = {w: i + 2 for i, w in enumerate(PREPROCESSING["vocabulary"])}
    tokens = _TOKEN.findall(text.lower())
    n = PREPROCESSING["sequenceLength"]
    return [float(index.get(tokens[i], 1)) if i < len(tokens) else 0.0 for i in range(n)]


def _encode_image(file) -> np.ndarray:
    from PIL import Image  # only image models need Pillow

    p = PREPROCESSING
    rgb = np.asarray(Image.open(file).convert("RGB").resize((p["width"], p["height"]), Image.BILINEAR), dtype=np.float64)
    if p["channels"] == 1:
        rgb = np.round(0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2])[..., None]
    return (rgb * p["scale"]).astype("float32")


def encode(examples) -> np.ndarray:
    """Turns raw examples (image files, table rows or texts) into the model's inputs, as Strata did."""
    kind = PREPROCESSING["kind"]
    if kind == "images":
        return np.stack([_encode_image(e) for e in examples])
    if kind == "table":
        return np.asarray([_encode_row(e) for e in examples], dtype="float32")
    return np.asarray([_encode_text(e) for e in examples], dtype="float32")


def decode(outputs: np.ndarray) -> list:
    """Model outputs back into answers: a label with class probabilities, or a value in real units."""
    p = PREPROCESSING
    answers = []
    for row in np.asarray(outputs, dtype="float64"):
        if p["task"] == "regression":
            mean, std = (p["targetMean"], p["targetStd"]) if p["kind"] == "table" else (0.0, 1.0)
            answers.append({"value": float(row[0] * std + mean)})
            continue
        probs = [1.0 - row[0], row[0]] if p["task"] == "binary" else list(row)
        classes = p["classes"] or [str(i) for i in range(len(probs))]
        best = int(np.argmax(probs))
        answers.append({"label": classes[best], "probabilities": {c: float(v) for c, v in zip(classes, probs)}})
    return answers


def predict(examples, model: keras.Model = None) -> list:
    """Predicts raw examples with the trained model: image file paths, table rows, or texts."""
    model = model or load_weights(build_model())
    return decode(model.predict(encode(examples), verbose=0))


if __name__ == "__main__":
    trained = load_weights(build_model())
    trained.summary()
    if len(sys.argv) > 1:
        raw = [a.split(",") if PREPROCESSING["kind"] == "table" else a for a in sys.argv[1:]]
        for answer in predict(raw, trained):
            print(json.dumps(answer))
`

/** Checks a Python file's syntax with `python3 -m py_compile`, leaving no __pycache__ behind. */
export function pyCompile(file: string): { ok: true } | { ok: false; missing: boolean; message: string } {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-pycache-'))
  try {
    const result = spawnSync(process.env.STRATA_PYTHON ?? 'python3', ['-m', 'py_compile', file], { encoding: 'utf8', env: { ...process.env, PYTHONPYCACHEPREFIX: cache }, timeout: 60_000 })
    if (result.error) return { ok: false, missing: true, message: result.error.message }
    if (result.status !== 0) return { ok: false, missing: false, message: (result.stderr || result.stdout).trim() }
    return { ok: true }
  } finally {
    fs.rmSync(cache, { recursive: true, force: true })
  }
}

/** The Keras script (`model.py`) for a spec: rebuilds the layers, loads the portable weights, predicts raw examples. */
export function kerasScript(spec: Parameters<typeof kerasBuildFunction>[0], version: string): string {
  // TF.js's recurrent layers use its own hard sigmoid inside their gates; Keras must use the same to give the same answers.
  const build = kerasBuildFunction(spec).map((line) => line.replace(/layers\.(LSTM|GRU)\(/g, 'layers.$1(recurrent_activation=tfjs_hard_sigmoid, '))
  return [
    `"""Generated by Strata ${version}${spec.name ? ` from the model "${spec.name.replace(/["\\]/g, '')}"` : ''}.`,
    '',
    'Rebuilds the trained model with Keras 3, loads its weights from weights.bin (index: weights.json) and predicts',
    'raw examples with the preprocessing Strata used (preprocessing.json). Needs: keras, numpy (and Pillow for images).',
    '    python model.py [image files, CSV rows or texts...]',
    '"""',
    'import datetime',
    'import json',
    'import os',
    'import re',
    'import sys',
    '',
    'import keras',
    'import numpy as np',
    'from keras import layers',
    '',
    '',
    ...build,
    '',
    PYTHON_HELPERS.trimStart()
  ].join('\n')
}

/** Keras: a Python script plus portable weights and preprocessing.json; checked with `python3 -m py_compile`. */
export const exportKeras: Exporter = async (ctx, progress) => {
  fs.writeFileSync(path.join(ctx.dir, 'model.py'), kerasScript(ctx.spec, ctx.job.version))
  const files = ['model.py', ...writePortableWeights(layerWeights(ctx.model, ctx.spec), ctx.dir), writePreprocessing(ctx, ctx.dir)]
  progress('verifying')
  const check = pyCompile(path.join(ctx.dir, 'model.py'))
  if (check.ok) return { status: 'verified', maxDiff: null, examples: 0, checkedWith: 'python3 -m py_compile', files, note: { key: 'kerasCompiled', params: {} } }
  const note: ExportNote = check.missing ? { key: 'noPython', params: {} } : { key: 'pythonError', params: { message: check.message.slice(0, 500) } }
  return { status: check.missing ? 'written' : 'failed', maxDiff: null, examples: 0, checkedWith: check.missing ? null : 'python3 -m py_compile', files, note }
}
