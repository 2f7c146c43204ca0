import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmitEvent, EventName } from '../../common/contract'
import type { BaseInfo } from '../../common/model/bases'
import { saveCheckpoint } from '../engine/train/checkpoint'
import { callChannel, testServices } from '../services/services.test-helpers'
import type { Services } from '../services'
import { tempDir } from './data.test-helpers'

// A real HTTP server on this machine serves a model this test makes; nothing leaves the machine.
let dir: string
let server: http.Server
let url: string
let sha256: string
let services: Services
const events: Array<{ event: EventName; payload: unknown }> = []
const stalled: http.ServerResponse[] = []

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = tempDir('strata-download-')
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 4, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 3, activation: 'softmax', name: 'top' })] })
  const optimizer = tf.train.adam()
  await saveCheckpoint(tf, path.join(dir, 'served'), model, optimizer, { epoch: 0, step: 0, learningRate: 0, bestValue: null, bestEpoch: 0, epochsWithoutImprovement: 0, epochsWithoutLrImprovement: 0 })
  model.dispose()
  optimizer.dispose()
  const served = path.join(dir, 'served')
  sha256 = crypto.createHash('sha256').update(fs.readFileSync(path.join(served, 'model.json'))).update(fs.readFileSync(path.join(served, 'weights.bin'))).digest('hex')
  server = http.createServer((req, res) => {
    // Under /stall/ the weights start and then stop coming, so a download can be cancelled midway.
    if (req.url === '/stall/weights.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).write(fs.readFileSync(path.join(served, 'weights.bin')).subarray(0, 16))
      stalled.push(res)
      return
    }
    const file = path.join(served, path.basename(req.url ?? ''))
    if (!fs.existsSync(file)) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fs.readFileSync(file))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`
  const emit: EmitEvent = (event, payload) => void events.push({ event, payload })
  services = testServices(dir, emit)
  await callChannel(services, 'project:create', { name: 'Downloads' })
})

afterAll(() => {
  services?.dispose()
  server?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

const download = (over: Partial<{ url: string; sha256: string }> = {}) => callChannel<BaseInfo>(services, 'model:download-base', { name: 'Tiny MLP', url, sha256, ...over })

describe('downloading a known model', () => {
  it('a wrong checksum keeps nothing and says so plainly', async () => {
    await expect(download({ sha256: 'ab'.repeat(32) })).rejects.toMatchObject({ code: 'BASE_CHECKSUM', message: expect.stringContaining('checksum does not match') })
    expect(fs.existsSync(path.join(dir, 'data', 'cache', 'bases', 'ab'.repeat(32)))).toBe(false)
  })

  it('a download can be cancelled midway: nothing is kept and no base is added', async () => {
    const stallUrl = url.replace('/model.json', '/stall/model.json')
    const running = callChannel<BaseInfo>(services, 'model:download-base', { name: 'Stalled', url: stallUrl, sha256, downloadId: 'stall1' })
    const caught = running.catch((err: unknown) => err)
    // Cancel once some of the weights arrived (progress for this download id).
    for (let i = 0; i < 200 && !events.some((e) => e.event === 'model:download-progress' && (e.payload as { downloadId?: string; done: number }).downloadId === 'stall1' && (e.payload as { done: number }).done > 16); i++) {
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(await callChannel(services, 'model:cancel-download', { downloadId: 'stall1' })).toEqual({ cancelled: true })
    expect(await caught).toMatchObject({ code: 'IMPORT_CANCELLED' })
    for (const res of stalled) res.destroy()
    expect(fs.existsSync(path.join(dir, 'data', 'cache', 'bases', sha256))).toBe(false)
    expect(await callChannel(services, 'model:bases', {})).toEqual([])
    // Nothing runs under that id any more.
    expect(await callChannel(services, 'model:cancel-download', { downloadId: 'stall1' })).toEqual({ cancelled: false })
  })

  it('downloads once with progress, checks it and imports it; later the cache answers without the network', async () => {
    const base = await download()
    expect(base.name).toBe('Tiny MLP')
    expect(base.layers.map((l) => l.name)).toEqual(['hidden', 'top'])
    const progress = events.filter((e) => e.event === 'model:download-progress').map((e) => e.payload as { done: number; total: number | null })
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total)
    await new Promise<void>((resolve) => server.close(() => resolve()))
    expect((await download()).id).toBe(base.id)
  })

  it('an address that cannot be reached says to pick a model file instead', async () => {
    await expect(download({ sha256: 'cd'.repeat(32) })).rejects.toMatchObject({ code: 'BASE_OFFLINE', message: expect.stringContaining('Pick a model file on this computer instead') })
  })
})
