/**
 * A tiny protocol-buffers writer for the subset of ONNX's messages Strata writes (onnx.proto, proto2 syntax):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto and ValueInfoProto. Field numbers are ONNX's.
 */

import type { OnnxAttribute } from '../../../common/model/onnx-layers'

export type { OnnxAttribute }

/** ONNX tensor element types Strata writes. */
export const ONNX_TYPES = { float: 1, int32: 6, int64: 7 } as const
export type OnnxElemType = keyof typeof ONNX_TYPES

/** One operator application. */
export interface OnnxNode {
  name: string
  op: string
  inputs: string[]
  outputs: string[]
  attributes?: Record<string, OnnxAttribute>
}

/** A constant tensor stored in the graph (weights and shape constants). */
export interface OnnxTensor {
  name: string
  type: OnnxElemType
  dims: number[]
  /** Values: floats for `float`, integers for `int32`/`int64`. */
  values: Float32Array | Int32Array | number[]
}

/** A graph input or output: element type and shape; a string dimension is symbolic (the batch). */
export interface OnnxValueInfo {
  name: string
  type: OnnxElemType
  shape: Array<number | string>
}

/** A whole model as Strata writes it. */
export interface OnnxModel {
  irVersion: number
  opset: number
  producer: string
  producerVersion: string
  docString?: string
  graph: {
    name: string
    nodes: OnnxNode[]
    initializers: OnnxTensor[]
    inputs: OnnxValueInfo[]
    outputs: OnnxValueInfo[]
  }
}

const ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, floats: 6, ints: 7, strings: 8 } as const
const encoder = new TextEncoder()

/** Appends protobuf fields to a growing list of byte chunks. */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = []
  private scratch: number[] = []

  private flushScratch(): void {
    if (!this.scratch.length) return
    this.chunks.push(Uint8Array.from(this.scratch))
    this.scratch = []
  }

  private varint(value: bigint | number): void {
    // Negative int64 values take ten bytes, in two's complement.
    let v = BigInt.asUintN(64, BigInt(value))
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.scratch.push(Number(v))
  }

  private tag(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire)
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0)
    this.varint(value)
    return this
  }

  float(field: number, value: number): this {
    this.tag(field, 5)
    const b = new Uint8Array(4)
    new DataView(b.buffer).setFloat32(0, value, true)
    this.scratch.push(...b)
    return this
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2)
    this.varint(data.length)
    this.flushScratch()
    this.chunks.push(data)
    return this
  }

  string(field: number, text: string): this {
    return this.bytes(field, encoder.encode(text))
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    build(inner)
    return this.bytes(field, inner.finish())
  }

  finish(): Uint8Array {
    this.flushScratch()
    const total = this.chunks.reduce((n, c) => n + c.length, 0)
    const out = new Uint8Array(total)
    let offset = 0
    for (const c of this.chunks) {
      out.set(c, offset)
      offset += c.length
    }
    return out
  }
}

function rawData(t: OnnxTensor): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1)
  if (t.values.length !== count) throw new Error(`ONNX tensor ${t.name}: ${t.values.length} values for shape [${t.dims.join(', ')}]`)
  if (t.type === 'float') {
    const f = t.values instanceof Float32Array ? t.values : Float32Array.from(t.values)
    return new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength))
  }
  const width = t.type === 'int64' ? 8 : 4
  const out = new Uint8Array(count * width)
  const view = new DataView(out.buffer)
  for (let i = 0; i < count; i++) {
    if (t.type === 'int64') view.setBigInt64(i * 8, BigInt(t.values[i]), true)
    else view.setInt32(i * 4, t.values[i], true)
  }
  return out
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d)
  w.int(2, ONNX_TYPES[t.type])
  w.string(8, t.name)
  w.bytes(9, rawData(t))
}

function writeAttribute(w: ProtoWriter, name: string, a: OnnxAttribute): void {
  w.string(1, name)
  switch (a.kind) {
    case 'float':
      w.float(2, a.value)
      break
    case 'int':
      w.int(3, a.value)
      break
    case 'string':
      w.string(4, a.value)
      break
    case 'floats':
      for (const v of a.value) w.float(7, v)
      break
    case 'ints':
      for (const v of a.value) w.int(8, v)
      break
    case 'strings':
      for (const v of a.value) w.string(9, v)
      break
  }
  w.int(20, ATTRIBUTE_TYPES[a.kind])
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i)
  for (const o of n.outputs) w.string(2, o)
  w.string(3, n.name)
  w.string(4, n.op)
  for (const [name, a] of Object.entries(n.attributes ?? {})) w.message(5, (aw) => writeAttribute(aw, name, a))
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name)
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ONNX_TYPES[v.type])
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)))
      })
    })
  )
}

/** Serialises a model into the bytes of an `.onnx` file. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter()
  w.int(1, model.irVersion)
  w.string(2, model.producer)
  w.string(3, model.producerVersion)
  if (model.docString) w.string(6, model.docString)
  w.message(7, (g) => {
    for (const n of model.graph.nodes) g.message(1, (nw) => writeNode(nw, n))
    g.string(2, model.graph.name)
    for (const t of model.graph.initializers) g.message(5, (tw) => writeTensor(tw, t))
    for (const i of model.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, i))
    for (const o of model.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, o))
  })
  w.message(8, (op) => {
    op.string(1, '')
    op.int(2, model.opset)
  })
  return w.finish()
}
