/** The outbox's pure decisions: homes, and what forwarding a till job does to the fleet. */
import { describe, expect, it } from 'vitest';
import { decideForward, groupByJob, handOverMustMark, homeOf } from '../../src/spool/outbox/plan.js';
import type { HistoryEntry, JobState } from '../../src/spool/types.js';

const HOMES = { front: 'till-1', kitchen: 'server-1' };

describe('homes', () => {
  it('a listed printer is homed where listed; an unlisted one on the till itself', () => {
    expect(homeOf('kitchen', HOMES, 'till-1')).toBe('server-1');
    expect(homeOf('front', HOMES, 'till-1')).toBe('till-1');
    expect(homeOf('bar', HOMES, 'till-1')).toBe('till-1');
    expect(homeOf('toString', HOMES, 'till-1')).toBe('till-1');
  });
});

describe('decideForward', () => {
  const cases: [string, JobState, { mirrored: boolean } | undefined, string][] = [
    ['front', 'queued', undefined, 'insert-mirror'],
    ['front', 'printed', { mirrored: true }, 'update-mirror'],
    ['front', 'sending', { mirrored: true }, 'update-mirror'],
    ['kitchen', 'queued', undefined, 'hand-over'],
    ['kitchen', 'needs-attention', undefined, 'hand-over'],
    ['kitchen', 'queued', { mirrored: true }, 'hand-over-mirror'],
    ['kitchen', 'printed', undefined, 'insert-mirror'],
    ['kitchen', 'cancelled', { mirrored: true }, 'update-mirror'],
    ['kitchen', 'cancelled', { mirrored: false }, 'already-handed-over'],
    ['front', 'queued', { mirrored: false }, 'already-handed-over'],
  ];
  it.each(cases)('%s job %s, known %j: %s', (printer, state, known, action) => {
    expect(decideForward({ printer, state }, known && { jobId: 1, ...known }, HOMES, 'till-1')).toBe(action);
  });

  it('a hand-over prints marked when an attempt here may have printed it', () => {
    expect(handOverMustMark({ mustMark: false, state: 'queued' })).toBe(false);
    expect(handOverMustMark({ mustMark: true, state: 'retrying' })).toBe(true);
    expect(handOverMustMark({ mustMark: false, state: 'sending' })).toBe(true);
    expect(handOverMustMark({ mustMark: false, state: 'confirming' })).toBe(true);
  });
});

describe('groupByJob', () => {
  it('keeps the order in which jobs first appear, and each job its rows in order', () => {
    const row = (id: number, jobId: number): HistoryEntry => ({
      id,
      jobId,
      transactionId: `T${jobId}`,
      at: id,
      fromState: null,
      toState: 'queued',
      attempt: 0,
      bytesSent: null,
      guarantee: null,
      errorCode: null,
      message: null,
    });
    const groups = groupByJob([row(1, 7), row(2, 3), row(3, 7), row(4, 9), row(5, 3)]);
    expect(groups.map((g) => [g.jobId, g.rows.map((r) => r.id)])).toEqual([
      [7, [1, 3]],
      [3, [2, 5]],
      [9, [4]],
    ]);
  });
});
