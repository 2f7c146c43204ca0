import { describe, expect, it } from 'vitest'
import { gpuEngineNote } from './gpu-engine'

describe('gpuEngineNote', () => {
  it('gives the deciding GPU reason of a run: the GPU it trained on, or why the CPU took over', () => {
    expect(gpuEngineNote([{ id: 'webgl', reason: 'GPU: Apple M2 via WebGL (900 vs 300 samples/s on the CPU).' }, { id: 'webgpu', reason: 'No WebGPU adapter.' }])).toBe('GPU: Apple M2 via WebGL (900 vs 300 samples/s on the CPU).')
    expect(gpuEngineNote([{ id: 'gpu', reason: 'GPU slower for this model (5 vs 400 samples/s).' }, { id: 'node', reason: 'not installed' }])).toBe('GPU slower for this model (5 vs 400 samples/s).')
  })

  it('is null for runs the GPU engine had no part in', () => {
    expect(gpuEngineNote([{ id: 'node-gpu', reason: 'No NVIDIA GPU.' }, { id: 'node', reason: 'not installed' }])).toBeNull()
    expect(gpuEngineNote([])).toBeNull()
  })
})
