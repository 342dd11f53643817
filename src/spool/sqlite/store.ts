/**
 * The embedded store: one SQLite file shared by every process of the till (POS processes
 * submit, one worker per printer prints). All SQLite specifics stay in this folder.
 */
import fs from 'node:fs';
import { StoreMissingError } from '../../errors.js';
import type { Lease, SpoolStore, WaitingPrinter } from '../store.js';
import type { HistoryEntry, Job, ListFilter, PrinterHealth, ReprintRecord } from '../types.js';
import { storeCall } from './errors.js';
import * as jobs from './jobs.js';
import * as outbox from './outbox.js';
import { openDatabase, type Db, type OpenOptions } from './open.js';
import { toHealth, toHistoryEntry, toJob, toReprintRecord, type HealthRow, type HistoryRow, type JobRow, type ReprintRow } from '../rows.js';
import { statement } from './rows.js';

export interface SqliteStoreOptions extends OpenOptions {
  /** How often `watch` polls `PRAGMA data_version` for other processes' commits (default 25 ms). */
  watchIntervalMs?: number;
}

export class SqliteStore implements SpoolStore {
  readonly #db: Db;
  /** One transaction wrapper for every write (better-sqlite3 builds five functions per `transaction()`). */
  readonly #transaction: ReturnType<Db['transaction']>;
  readonly #inode: number;
  readonly #watchers = new Set<() => void>();
  readonly #watchIntervalMs: number;
  #watchTimer: NodeJS.Timeout | undefined;
  #dataVersion = 0;
  #closed = false;

  constructor(
    readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    this.#db = openDatabase(path, options);
    this.#transaction = this.#db.transaction(<T>(fn: (db: Db) => T): T => fn(this.#db));
    this.#inode = fs.statSync(path).ino;
    this.#watchIntervalMs = options.watchIntervalMs ?? 25;
  }

  /** Runs `fn` in an IMMEDIATE transaction (the write lock first: no deadlocking upgrade). */
  #write<T>(fn: (db: Db) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      // SQLite keeps writing to a deleted file without complaint: those writes would be lost.
      this.check();
      resolve(storeCall(this.path, () => this.#transaction.immediate(fn) as T));
    });
  }

  /**
   * `#write` without the fsync (`synchronous=NORMAL` for this commit only), for records whose loss
   * in a power cut changes nothing: the WAL keeps commits in order, so the next durable commit
   * carries this one to disk with it.
   */
  #writeInformational<T>(fn: (db: Db) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      this.check();
      resolve(
        storeCall(this.path, () => {
          this.#db.pragma('synchronous = NORMAL');
          try {
            return this.#transaction.immediate(fn) as T;
          } finally {
            this.#db.pragma('synchronous = FULL');
          }
        }),
      );
    });
  }

  #read<T>(fn: (db: Db) => T): Promise<T> {
    return new Promise<T>((resolve) => resolve(storeCall(this.path, () => fn(this.#db))));
  }

  insertJob: SpoolStore['insertJob'] = (job, now) => this.#write((db) => jobs.insertJob(db, job, now));
  insertAndClaim: NonNullable<SpoolStore['insertAndClaim']> = (job, claim, now) =>
    this.#write((db) => {
      const inserted = jobs.insertJob(db, job, now);
      return { ...inserted, claimed: inserted.created ? jobs.claimJob(db, claim, now) : undefined };
    });
  insertReprint: SpoolStore['insertReprint'] = (txn, request, now) => this.#write((db) => jobs.insertReprint(db, txn, request, now));
  claimJob: SpoolStore['claimJob'] = (request, now) => this.#write((db) => jobs.claimJob(db, request, now));
  markConfirming: SpoolStore['markConfirming'] = (ref, bytesSent, now) => this.#writeInformational((db) => jobs.markConfirming(db, ref, bytesSent, now));
  completeJob: SpoolStore['completeJob'] = (ref, outcome, now) => this.#write((db) => jobs.completeJob(db, ref, outcome, now));
  completeAndClaim: SpoolStore['completeAndClaim'] = (ref, outcome, claim, now) =>
    this.#write((db) => ({ printed: jobs.completeJob(db, ref, outcome, now), next: jobs.claimJob(db, claim, now) }));
  retryJob: SpoolStore['retryJob'] = (ref, error, retry, now) => this.#write((db) => jobs.retryJob(db, ref, error, retry, now));
  markNeedsAttention: SpoolStore['markNeedsAttention'] = (ref, error, now) => this.#write((db) => jobs.markNeedsAttention(db, ref, error, now));
  failJob: SpoolStore['failJob'] = (ref, error, now) => this.#write((db) => jobs.failJob(db, ref, error, now));
  returnJob: SpoolStore['returnJob'] = (ref, now) => this.#write((db) => jobs.returnJob(db, ref, now));
  resetInDoubt: SpoolStore['resetInDoubt'] = (printer, reason, now) => this.#write((db) => jobs.resetInDoubt(db, printer, reason, now));
  resumePrinter: SpoolStore['resumePrinter'] = (printer, now) => this.#write((db) => jobs.resumePrinter(db, printer, now));
  requeueFailed: SpoolStore['requeueFailed'] = (txn, now, request) => this.#write((db) => jobs.requeueFailed(db, txn, now, request));
  cancelJobs: SpoolStore['cancelJobs'] = (txn, request, now) => this.#write((db) => jobs.cancelJobs(db, txn, request, now));
  moveJobs: SpoolStore['moveJobs'] = (txn, printer, request, now) => this.#write((db) => jobs.moveJobs(db, txn, printer, request, now));

  /** The till's outbox (src/spool/outbox): job rows as stored, and the local end of a hand-over. */
  outboxJobRows(jobIds: readonly number[]): Promise<outbox.OutboxJobRow[]> {
    return this.#read((db) => outbox.jobRows(db, jobIds));
  }
  handOverJob(jobId: number, message: string, now: number): Promise<boolean> {
    return this.#write((db) => outbox.handOverJob(db, jobId, message, now));
  }

  historySince(afterId: number, limit: number): Promise<HistoryEntry[]> {
    return this.#read((db) => (statement(db, `SELECT * FROM job_history WHERE id > ? ORDER BY id LIMIT ?`).all(afterId, limit) as HistoryRow[]).map(toHistoryEntry));
  }

  lastHistoryId(): Promise<number> {
    return this.#read((db) => (statement(db, `SELECT coalesce(max(id), 0) AS id FROM job_history`).get() as { id: number }).id);
  }

  waitingPrinters(): Promise<WaitingPrinter[]> {
    return this.#read(
      (db) =>
        statement(db, `SELECT printer, count(*) AS jobs, min(created_at) AS oldestCreatedAt FROM jobs WHERE is_open GROUP BY printer ORDER BY printer`).all() as WaitingPrinter[],
    );
  }

  /**
   * Clearing a document shrinks its row inside its page but frees no page, so a full store stays
   * full: `VACUUM` then rebuilds the file without the slack (it holds the write lock meanwhile,
   * which is why it runs only when something was purged).
   */
  async purgeDocuments(before: number, now: number): Promise<number> {
    const purged = await this.#write((db) => jobs.purgeDocuments(db, before, now));
    if (purged > 0) storeCall(this.path, () => this.#db.exec('VACUUM'));
    return purged;
  }

  getJob(jobId: number): Promise<Job | undefined> {
    return this.#read((db) => {
      const row = statement(db, `SELECT * FROM jobs WHERE id = ?`).get(jobId) as JobRow | undefined;
      return row && toJob(row);
    });
  }

  findJob(transactionId: string): Promise<Job | undefined> {
    return this.#read((db) => jobs.findOriginal(db, transactionId));
  }

  headJob(printer: string): Promise<Job | undefined> {
    return this.#read((db) => jobs.headJob(db, printer));
  }

  jobAfter(printer: string, jobId: number): Promise<Job | undefined> {
    return this.#read((db) => jobs.jobAfter(db, printer, jobId));
  }

  listJobs(filter: ListFilter): Promise<Job[]> {
    return this.#read((db) => {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.state !== undefined) {
        const states = typeof filter.state === 'string' ? [filter.state] : [...filter.state];
        where.push(`state IN (${states.map((_, i) => `@s${i}`).join(', ') || 'NULL'})`);
        states.forEach((state, i) => (params[`s${i}`] = state));
      }
      if (filter.printer !== undefined) {
        where.push('printer = @printer');
        params.printer = filter.printer;
      }
      if (filter.since !== undefined) {
        where.push('created_at >= @since');
        params.since = filter.since;
      }
      params.limit = filter.limit ?? -1;
      const order = filter.newest ? 'DESC' : '';
      const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT @limit`;
      const found = (db.prepare(sql).all(params) as JobRow[]).map(toJob);
      return filter.newest ? found.reverse() : found;
    });
  }

  history(transactionId: string): Promise<HistoryEntry[]> {
    return this.#read((db) => (statement(db, `SELECT * FROM job_history WHERE transaction_id = ? ORDER BY id`).all(transactionId) as HistoryRow[]).map(toHistoryEntry));
  }

  reprints(transactionId: string): Promise<ReprintRecord[]> {
    return this.#read((db) => (statement(db, `SELECT * FROM reprints WHERE transaction_id = ? ORDER BY id`).all(transactionId) as ReprintRow[]).map(toReprintRecord));
  }

  acquireLease: SpoolStore['acquireLease'] = (printer, holder, ttlMs, now, owner) =>
    this.#write(
      (db) =>
        statement(
          db,
          `INSERT INTO leases (printer, holder, expires_at, host, pid) VALUES (@printer, @holder, @expires, @host, @pid)
           ON CONFLICT (printer) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
             host = excluded.host, pid = excluded.pid
           WHERE leases.holder = excluded.holder OR leases.expires_at <= @now OR leases.holder = @replacing`,
        ).run({
          printer,
          holder,
          expires: now + ttlMs,
          now,
          host: owner?.host ?? null,
          pid: owner?.pid ?? null,
          replacing: owner?.replacing ?? null,
        }).changes === 1,
    );

  readLease(printer: string): Promise<Lease | undefined> {
    return this.#read((db) => {
      const row = statement(db, `SELECT * FROM leases WHERE printer = ?`).get(printer) as
        { printer: string; holder: string; expires_at: number; host: string | null; pid: number | null } | undefined;
      if (!row) return undefined;
      return {
        printer: row.printer,
        holder: row.holder,
        expiresAt: row.expires_at,
        ...(row.host === null ? {} : { host: row.host }),
        ...(row.pid === null ? {} : { pid: row.pid }),
      };
    });
  }

  recordHeartbeat(printer: string, holder: string, now: number): Promise<void> {
    return this.#writeInformational((db) => {
      statement(
        db,
        `INSERT INTO printer_health (printer, observed_at, ready, reason, heartbeat_at, holder) VALUES (@printer, 0, 0, 'unknown', @now, @holder)
         ON CONFLICT (printer) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, holder = excluded.holder`,
      ).run({ printer, holder, now });
    });
  }

  releaseLease(printer: string, holder: string): Promise<void> {
    return this.#write((db) => {
      statement(db, `DELETE FROM leases WHERE printer = ? AND holder = ?`).run(printer, holder);
    });
  }

  recordHealth(health: PrinterHealth): Promise<void> {
    return this.#writeInformational((db) => {
      statement(
        db,
        `INSERT INTO printer_health (printer, observed_at, ready, reason, status, uri, identity, confirmation, holder)
         VALUES (@printer, @observedAt, @ready, @reason, @status, @uri, @identity, @confirmation, @holder)
         ON CONFLICT (printer) DO UPDATE SET observed_at = excluded.observed_at, ready = excluded.ready,
           reason = excluded.reason, status = excluded.status, uri = coalesce(excluded.uri, uri),
           identity = coalesce(excluded.identity, identity), confirmation = coalesce(excluded.confirmation, confirmation),
           holder = coalesce(excluded.holder, holder)`,
      ).run({
        uri: health.uri ?? null,
        identity: health.identity ? JSON.stringify(health.identity) : null,
        confirmation: health.confirmation ?? null,
        holder: health.servedBy ?? null,
        printer: health.printer,
        observedAt: health.observedAt ?? 0,
        ready: health.ready ? 1 : 0,
        reason: health.reason,
        status: health.status === null ? null : JSON.stringify(health.status),
      });
    });
  }

  readHealth(printer: string): Promise<PrinterHealth | undefined> {
    return this.#read((db) => {
      const row = statement(db, `SELECT * FROM printer_health WHERE printer = ?`).get(printer) as HealthRow | undefined;
      return row && toHealth(row);
    });
  }

  listHealth(): Promise<PrinterHealth[]> {
    return this.#read((db) => (statement(db, `SELECT * FROM printer_health ORDER BY printer`).all() as HealthRow[]).map(toHealth));
  }

  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    if (!this.#watchTimer && !this.#closed) {
      this.#dataVersion = this.#readDataVersion() ?? 0;
      this.#watchTimer = setInterval(() => this.#pollDataVersion(), this.#watchIntervalMs);
      this.#watchTimer.unref();
    }
    return () => {
      this.#watchers.delete(listener);
      if (this.#watchers.size === 0 && this.#watchTimer) {
        clearInterval(this.#watchTimer);
        this.#watchTimer = undefined;
      }
    };
  }

  /** `data_version` changes when another connection commits: a cheap read of the WAL index. */
  #pollDataVersion(): void {
    const version = this.#readDataVersion();
    if (version === undefined || version === this.#dataVersion) return;
    this.#dataVersion = version;
    for (const listener of [...this.#watchers]) listener();
  }

  #readDataVersion(): number | undefined {
    try {
      return this.#db.pragma('data_version', { simple: true }) as number;
    } catch {
      return undefined; // a locked or broken store is reported by the operation that needs it
    }
  }

  check(): void {
    let inode: number;
    try {
      inode = fs.statSync(this.path).ino;
    } catch (error) {
      throw new StoreMissingError(`store file is gone: ${this.path}`, this.path, { cause: error });
    }
    if (inode !== this.#inode) throw new StoreMissingError(`store file was replaced while open: ${this.path}`, this.path);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#watchTimer) clearInterval(this.#watchTimer);
    this.#watchers.clear();
    this.#db.close();
  }
}
