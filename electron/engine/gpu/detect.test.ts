import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { adapterName, gpuName, isSoftwareAdapter, isSoftwareRenderer } from './detect'
import { largestTensor } from './gpu-job'

// Renderer strings as WEBGL_debug_renderer_info reports them on real machines and in headless Chromium.
const RENDERERS: Array<{ renderer: string; software: boolean; name: string }> = [
  { renderer: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)', software: false, name: 'Apple M2' },
  { renderer: 'ANGLE (Intel, Intel(R) UHD Graphics 620 (0x00005917) Direct3D11 vs_5_0 ps_5_0, D3D11)', software: false, name: 'Intel(R) UHD Graphics 620' },
  { renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002504) Direct3D11 vs_5_0 ps_5_0, D3D11)', software: false, name: 'NVIDIA GeForce RTX 3060' },
  { renderer: 'ANGLE (AMD, AMD Radeon RX 6700 XT (radeonsi, navi22, LLVM 15.0.6, DRM 3.49, 6.1.0), OpenGL 4.6)', software: false, name: 'AMD Radeon RX 6700 XT (radeonsi, navi22, LLVM 15.0.6, DRM 3.49, 6.1.0)' },
  { renderer: 'Mesa Intel(R) Xe Graphics (TGL GT2)', software: false, name: 'Mesa Intel(R) Xe Graphics (TGL GT2)' },
  { renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', software: true, name: 'Vulkan 1.3.0 (SwiftShader Device (Subzero))' },
  { renderer: 'llvmpipe (LLVM 15.0.6, 256 bits)', software: true, name: 'llvmpipe (LLVM 15.0.6, 256 bits)' },
  { renderer: 'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)', software: true, name: 'Microsoft Basic Render Driver' },
  { renderer: 'Google SwiftShader', software: true, name: 'Google SwiftShader' }
]

describe('GPU detection', () => {
  for (const { renderer, software, name } of RENDERERS) {
    it(`classifies and names a WebGL renderer: renderer=${renderer}`, () => {
      expect(isSoftwareRenderer(renderer)).toBe(software)
      expect(gpuName(renderer)).toBe(name)
    })
  }

  it('refuses fallback WebGPU adapters and SwiftShader, accepts real ones', () => {
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true)
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3', isFallbackAdapter: true })).toBe(true)
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false)
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere' })).toBe(false)
    expect(adapterName({ vendor: 'nvidia', architecture: 'ampere' })).toBe('nvidia ampere')
  })

  it('finds the largest tensor a batch makes: a layer output counted with the batch size, or a weight', async () => {
    await tf.setBackend('cpu')
    const conv = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 10 })] })
    // conv output: 26·26·32 per image; the dense kernel holds 21632·10 = 216,320 values.
    expect(largestTensor(conv, 64)).toBe(64 * 26 * 26 * 32)
    expect(largestTensor(conv, 1)).toBe(26 * 26 * 32 * 10)
    conv.dispose()
  })
})
