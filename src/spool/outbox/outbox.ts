/**
 * The till's outbox: forwards every job of the till's SQLite spool, with its history, to the
 * fleet's PostgreSQL, in history order, in batches that each commit together with the till's cursor
 * in the fleet (so a batch cut mid-way and sent again changes nothing). Submitting and printing on
 * the till never wait for it: they touch only SQLite. Jobs for printers homed on another host are
 * handed over (queued in the fleet for their home, withdrawn here). Design: docs/fleet.md.
 */
import type { Pool, PoolClient } from 'pg';
import { StoreError } from '../../errors.js';
import { SafeEmitter } from '../../safe-emitter.js';
import { systemClock, type Clock } from '../../clock.js';
import { createPool, isPostgresUrl, inTransaction, parsePostgresUrl, toStoreError, type PostgresTarget } from '../postgres/connect.js';
import { forwardBatch, handedOverAmong, readCursor, type ForwardBatch, type HandedOver } from '../postgres/outbox.js';
import { SqliteStore } from '../sqlite/store.js';
import { groupByJob, homeOf, type Homes } from './plan.js';

/** Where a till forwards to and who it is there. */
export interface FleetOptions {
  /** The fleet's PostgreSQL, `postgres://user@host/db` (optionally `?schema=name`). */
  url: string;
  /** This till's name in the fleet: the home named in `homes` for its own printers. */
  host: string;
  /** Printer → home host. Printers not listed are homed on this till (printed from its SQLite spool). */
  homes?: Homes;
}

export interface OutboxOptions {
  /** The till's SQLite spool file (the one its POS code submits to and its workers print from). */
  path: string;
  fleet: FleetOptions;
  clock?: Clock;
  /** History rows per fleet transaction (default 500). */
  batchSize?: number;
  /** Re-read of the spool while idle, besides its change notifications (default 1000 ms). */
  pollMs?: number;
  /** Wait before trying the fleet again after it failed (default 1000 ms). */
  retryMs?: number;
  /** How long the till's lease on its own printers lasts in the fleet; renewed with every batch (default 24 h). */
  homeLeaseMs?: number;
  /** A connection or statement that takes longer fails (a silent network is noticed, then retried); default 10000 ms. */
  fleetTimeoutMs?: number;
}

export interface ForwardReport {
  /** History rows written to the fleet (the till's, plus one per hand-over). */
  rows: number;
  /** Fleet job rows written (inserted or updated): a job whose rows span two batches counts twice. */
  jobs: number;
  /** The till's last history id now in the fleet. */
  cursor: number;
  /** Jobs queued in the fleet for their home printers. */
  handedOver: HandedOver[];
}

/** Event payloads of an `Outbox`. */
export interface OutboxEvents {
  /** A batch committed in the fleet. */
  forwarded: (report: ForwardReport) => void;
  /** The fleet was unreachable or refused a batch; the outbox tries again after `retryMs`. */
  'fleet-error': (error: Error) => void;
  /** A printer homed on this till is leased in the fleet to another holder (a print server runs a worker for it: a configuration error). */
  'home-conflict': (event: { printers: string[] }) => void;
  /** A listener of one of these events threw; it was ignored and forwarding went on. */
  'listener-error': (report: { event: string; error: Error }) => void;
}

/** Typed events (`OutboxEvents`). */
export interface Outbox {
  on<E extends keyof OutboxEvents>(event: E, listener: OutboxEvents[E]): this;
  once<E extends keyof OutboxEvents>(event: E, listener: OutboxEvents[E]): this;
  off<E extends keyof OutboxEvents>(event: E, listener: OutboxEvents[E]): this;
}

const DEFAULT_HOME_LEASE_MS = 24 * 60 * 60 * 1000;

/** Opens the till's outbox (no connection yet): `start()` forwards in the background, `drain()` now. */
export function openOutbox(options: OutboxOptions): Outbox {
  return new Outbox(options);
}

/** A till's outbox to the fleet: `openOutbox()`; `start()`, `drain()`, `backlog()`, `close()`. */
export class Outbox extends SafeEmitter {
  /** This till's name in the fleet. */
  readonly host: string;
  /** Printer → home host; printers not listed are this till's. */
  readonly homes: Homes;
  readonly #local: SqliteStore;
  readonly #target: PostgresTarget;
  readonly #clock: Clock;
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #retryMs: number;
  readonly #homeLeaseMs: number;
  readonly #timeoutMs: number;
  #pool: Promise<Pool> | undefined;
  /** The fleet's cursor for this till as last read or written; undefined: read it again (after any failure). */
  #cursor: number | undefined;
  #draining: Promise<ForwardReport> | undefined;
  #running = false;
  /** The last forward failed: wait `retryMs` before the next. */
  #failing = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;

  constructor(options: OutboxOptions) {
    super();
    const { url, host, homes = {} } = options.fleet;
    if (!isPostgresUrl(url)) throw new StoreError(`outbox: fleet.url must be a postgres:// URL: "${url.replace(/:[^:@/]*@/, ':***@')}"`);
    if (!host) throw new StoreError('outbox: fleet.host must name this till (the home of its own printers)');
    this.host = host;
    this.homes = homes;
    this.#target = parsePostgresUrl(url);
    this.#local = new SqliteStore(options.path);
    this.#clock = options.clock ?? systemClock;
    this.#batchSize = options.batchSize ?? 500;
    this.#pollMs = options.pollMs ?? 1000;
    this.#retryMs = options.retryMs ?? 1000;
    this.#homeLeaseMs = options.homeLeaseMs ?? DEFAULT_HOME_LEASE_MS;
    this.#timeoutMs = options.fleetTimeoutMs ?? 10_000;
  }

  /** Forwards in the background: at once, after every change to the spool, and again after failures. */
  start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    // After a failure only the retry timer (or close) wakes the loop: the fleet is not retried on every submit.
    this.#unwatch = this.#local.watch(() => {
      if (!this.#failing) this.#wake?.();
    });
    this.#loop = this.#run();
  }

  /**
   * Forwards everything the spool holds now that the fleet does not, batch by batch. Rejects with
   * a `StoreError` when the fleet is unreachable (what was committed before stays forwarded).
   */
  drain(): Promise<ForwardReport> {
    this.#draining ??= this.#drain().finally(() => (this.#draining = undefined));
    return this.#draining;
  }

  /** History rows of the spool not yet in the fleet, by the cursor last seen (the fleet is not asked). */
  async backlog(): Promise<{ forwardedThrough: number | undefined; latest: number }> {
    return { forwardedThrough: this.#cursor, latest: await this.#local.lastHistoryId() };
  }

  /** Stops forwarding (a batch on its way finishes or rolls back) and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    this.#unwatch?.();
    this.#wake?.();
    await this.#loop;
    await this.#draining?.catch(() => {});
    const pool = await this.#pool?.catch(() => undefined);
    await pool?.end().catch(() => {});
    this.#local.close();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.drain();
        this.#failing = false;
      } catch (error) {
        if (!this.#running) return;
        this.#failing = true;
        this.emit('fleet-error', error instanceof Error ? error : new Error(String(error)));
      }
      if (!this.#running) return;
      await new Promise<void>((resolve) => {
        const timer = this.#clock.setTimeout(() => done(), this.#failing ? this.#retryMs : this.#pollMs);
        const done = (): void => {
          this.#clock.clearTimeout(timer);
          this.#wake = undefined;
          resolve();
        };
        this.#wake = done;
      });
    }
  }

  async #drain(): Promise<ForwardReport> {
    const report: ForwardReport = { rows: 0, jobs: 0, cursor: this.#cursor ?? 0, handedOver: [] };
    try {
      if (this.#cursor === undefined) {
        this.#cursor = await this.#transaction((client) => readCursor(client, this.host));
        await this.#settleHandOvers();
      }
      for (;;) {
        if (this.#closed) break;
        const after: number = this.#cursor;
        const rows = await this.#local.historySince(after, this.#batchSize);
        if (rows.length === 0) break;
        const groups = groupByJob(rows);
        const jobRows = new Map((await this.#local.outboxJobRows(groups.map((g) => g.jobId))).map((row) => [row.id, row]));
        const batch: ForwardBatch = {
          host: this.host,
          homes: this.homes,
          after,
          last: rows[rows.length - 1]!.id,
          jobs: groups.flatMap((g) => (jobRows.has(g.jobId) ? [{ row: jobRows.get(g.jobId)!, history: g.rows }] : [])),
          homeLeaseMs: this.#homeLeaseMs,
          pid: process.pid,
          now: this.#clock.now(),
        };
        const result = await this.#transaction((client) => forwardBatch(client, batch));
        this.#cursor = result.cursor;
        report.cursor = result.cursor;
        // Not applied: another outbox of this till moved the cursor; read on from there.
        if (!result.applied) continue;
        for (const handed of result.handedOver) await this.#handOverLocally(handed);
        const forwarded: ForwardReport = { rows: result.rows, jobs: result.jobs, cursor: result.cursor, handedOver: result.handedOver };
        report.rows += forwarded.rows;
        report.jobs += forwarded.jobs;
        report.handedOver.push(...forwarded.handedOver);
        // A batch of only the till's own hand-over rows moves the cursor and writes nothing.
        if (forwarded.rows > 0) this.emit('forwarded', forwarded);
        if (result.leaseRefused.length > 0) this.emit('home-conflict', { printers: result.leaseRefused });
      }
      return report;
    } catch (error) {
      // Whether the last COMMIT landed is unknown: the fleet's cursor says, next time.
      this.#cursor = undefined;
      throw toStoreError(error, this.#target.display);
    }
  }

  /** After a crash between the fleet's commit and the local withdrawal: withdraw what the fleet already took. */
  async #settleHandOvers(): Promise<void> {
    const elsewhere = Object.keys(this.homes).filter((printer) => homeOf(printer, this.homes, this.host) !== this.host);
    const open = (await Promise.all(elsewhere.map((printer) => this.#local.listJobs({ printer, state: ['queued', 'retrying', 'needs-attention'] })))).flat();
    if (open.length === 0) return;
    const taken = await this.#transaction((client) =>
      handedOverAmong(
        client,
        this.host,
        open.map((job) => job.id),
      ),
    );
    for (const job of open)
      if (taken.includes(job.id)) await this.#handOverLocally({ originJobId: job.id, fleetJobId: 0, home: homeOf(job.printer, this.homes, this.host), created: true });
  }

  #handOverLocally(handed: HandedOver): Promise<boolean> {
    const message = handed.created ? `forwarded to the fleet: printed there by its home ${handed.home}` : 'forwarded to the fleet, which had this transaction already';
    return this.#local.handOverJob(handed.originJobId, message, this.#clock.now());
  }

  async #transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    if (!this.#pool) {
      const pool = createPool(this.#target, 1, { connectMs: this.#timeoutMs, queryMs: this.#timeoutMs });
      this.#pool = pool;
      pool.catch(() => {
        if (this.#pool === pool) this.#pool = undefined;
      });
    }
    return inTransaction(await (await this.#pool).connect(), fn);
  }
}
