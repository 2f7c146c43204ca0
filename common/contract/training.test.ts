import { describe, expect, it } from 'vitest'
import { RUN_STATUSES, isFinalStatus, isLiveStatus, isResumableStatus } from './training'

describe('run statuses', () => {
  it('every status is either live or final, never both', () => {
    for (const status of RUN_STATUSES) expect(isLiveStatus(status), status).toBe(!isFinalStatus(status))
  })

  it('queued, running and paused are live; the rest are final', () => {
    expect(RUN_STATUSES.filter(isLiveStatus)).toEqual(['queued', 'running', 'paused'])
    expect(RUN_STATUSES.filter(isFinalStatus)).toEqual(['completed', 'stopped', 'failed', 'interrupted'])
  })

  it('Resume applies to a paused run and to one that ended without completing', () => {
    expect(RUN_STATUSES.filter(isResumableStatus)).toEqual(['paused', 'stopped', 'failed', 'interrupted'])
  })
})
