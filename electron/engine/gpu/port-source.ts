import type { Batch, BatchSource } from '../data/data-source'
import type { FromGpuWorker } from './gpu-protocol'

/** One open stream of batches: what arrived and has not been consumed yet, and who waits for the next. */
interface Stream {
  queue: Array<Batch | null>
  wake: (() => void) | null
}

/**
 * Batch sources in the Worker fed over the message port: each epoch opens a stream, main sends a few batches
 * ahead, and every consumed batch gives main credit for one more, so memory holds a bounded number of batches.
 */
export class PortBatches {
  private nextStream = 1
  private readonly streams = new Map<number, Stream>()

  constructor(private readonly post: (message: FromGpuWorker) => void) {}

  /** Delivers a batch (or the end of its stream) that main sent. */
  receive(stream: number, batch: Batch | null): void {
    const s = this.streams.get(stream)
    if (!s) return
    s.queue.push(batch)
    s.wake?.()
  }

  /** A source of one split's batches of `size` items. */
  source(split: 'train' | 'validation', size: number): BatchSource {
    return { size, batches: (batchSize, seed) => this.stream(split, batchSize, seed) }
  }

  private async *stream(split: 'train' | 'validation', batchSize: number, seed: number | null): AsyncGenerator<Batch> {
    const id = this.nextStream++
    const s: Stream = { queue: [], wake: null }
    this.streams.set(id, s)
    this.post({ type: 'open', stream: id, split, batchSize, seed })
    let ended = false
    try {
      for (;;) {
        while (s.queue.length === 0) await new Promise<void>((resolve) => (s.wake = resolve))
        s.wake = null
        const batch = s.queue.shift()!
        if (batch === null) {
          ended = true
          return
        }
        this.post({ type: 'credit', stream: id })
        yield batch
      }
    } finally {
      this.streams.delete(id)
      // A stream left early (stop, early stopping) tells main to stop reading it.
      if (!ended) this.post({ type: 'close', stream: id })
    }
  }
}
