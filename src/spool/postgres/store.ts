/**
 * The fleet store: one PostgreSQL database shared by every till, print server and back office.
 * Each method is one transaction on a pooled connection; `watch` LISTENs on a connection of its
 * own. All PostgreSQL specifics stay in this folder; `pg` is loaded on first use.
 */
import type { Client, Pool, PoolClient } from 'pg';
import { StoreError } from '../../errors.js';
import type { Lease, SpoolStore, WaitingPrinter } from '../store.js';
import type { HistoryEntry, Job, ListFilter, PrinterHealth, ReprintRecord } from '../types.js';
import { clientConfig, createPool, inTransaction, loadDriver, parsePostgresUrl, toStoreError, type PostgresTarget } from './connect.js';
import * as jobs from './jobs.js';
import { leaseNowSql, type LeaseClock } from './jobs.js';
import { toHealth, toHistoryEntry, toJob, toReprintRecord, type HealthRow, type HistoryRow, type JobRow, type ReprintRow } from '../rows.js';

export interface PostgresStoreOptions {
  /** The schema holding the spool's tables (default: the URL's `schema` parameter, else `receipt_spool`). */
  schema?: string;
  /** Connections in the pool (default 10: a process may run a worker per printer). */
  poolSize?: number;
  /** Delay before the LISTEN connection reconnects after losing the server (default 500 ms). */
  relistenDelayMs?: number;
  /**
   * Whose clock decides lease expiry and takeover. `database` (the default): the server's, so hosts
   * whose clocks disagree still agree who holds a printer; the `now` callers pass is ignored for
   * leases. `caller`: the `now` each call passes, as in the SQLite store (tests that drive time).
   */
  leaseClock?: LeaseClock;
}

export class PostgresStore implements SpoolStore {
  readonly path: string;
  readonly #target: PostgresTarget;
  readonly #poolSize: number;
  /** Created (and the schema migrated) on first use; forgotten if that failed, so the next use tries again. */
  #pool: Promise<Pool> | undefined;
  readonly #watchers = new Set<() => void>();
  readonly #relistenDelayMs: number;
  readonly #leaseClock: LeaseClock;
  #listener: Client | undefined;
  #relistenTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(url: string, options: PostgresStoreOptions = {}) {
    this.#target = parsePostgresUrl(url, options.schema);
    this.path = this.#target.display;
    this.#relistenDelayMs = options.relistenDelayMs ?? 500;
    this.#poolSize = options.poolSize ?? 10;
    this.#leaseClock = options.leaseClock ?? 'database';
  }

  #getPool(): Promise<Pool> {
    if (!this.#pool) {
      const pool = createPool(this.#target, this.#poolSize);
      this.#pool = pool;
      pool.catch(() => {
        if (this.#pool === pool) this.#pool = undefined;
      });
    }
    return this.#pool;
  }

  /** The schema this store's tables live in. */
  get schema(): string {
    return this.#target.schema;
  }

  async #connect(): Promise<PoolClient> {
    if (this.#closed) throw new StoreError(`store is closed: ${this.path}`, this.path);
    try {
      return await (await this.#getPool()).connect();
    } catch (error) {
      throw toStoreError(error, this.path);
    }
  }

  /**
   * Runs `fn` in a transaction. `informational` commits without waiting for the WAL flush
   * (`synchronous_commit = off` for this transaction only), for records whose loss changes nothing.
   */
  async #write<T>(fn: (client: PoolClient) => Promise<T>, informational = false): Promise<T> {
    const client = await this.#connect();
    try {
      return await inTransaction(client, fn, informational ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
    } catch (error) {
      throw toStoreError(error, this.path);
    }
  }

  /** Reads, and writes that are one statement (atomic by themselves): no BEGIN/COMMIT round trips. */
  async #autocommit<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    try {
      const result = await fn(client);
      client.release();
      return result;
    } catch (error) {
      client.release(error instanceof Error ? error : undefined);
      throw toStoreError(error, this.path);
    }
  }

  insertJob: SpoolStore['insertJob'] = (job, now) => this.#autocommit((c) => jobs.insertJob(c, job, now));
  insertAndClaim: NonNullable<SpoolStore['insertAndClaim']> = (job, claim, now) =>
    this.#write(async (c) => {
      const inserted = await jobs.insertJob(c, job, now);
      return { ...inserted, claimed: inserted.created ? await jobs.claimJob(c, claim, now, this.#leaseClock) : undefined };
    });
  insertReprint: SpoolStore['insertReprint'] = (txn, request, now) => this.#write((c) => jobs.insertReprint(c, txn, request, now));
  claimJob: SpoolStore['claimJob'] = (request, now) => this.#write((c) => jobs.claimJob(c, request, now, this.#leaseClock));
  // Finishing an attempt is one statement (fenced update + history row): no transaction needed.
  markConfirming: SpoolStore['markConfirming'] = (ref, bytesSent, now) => this.#autocommit((c) => jobs.markConfirming(c, ref, bytesSent, now));
  completeJob: SpoolStore['completeJob'] = (ref, outcome, now) => this.#autocommit((c) => jobs.completeJob(c, ref, outcome, now));
  completeAndClaim: SpoolStore['completeAndClaim'] = (ref, outcome, claim, now) =>
    this.#write(async (c) => ({ printed: await jobs.completeJob(c, ref, outcome, now), next: await jobs.claimJob(c, claim, now, this.#leaseClock) }));
  retryJob: SpoolStore['retryJob'] = (ref, error, retry, now) => this.#autocommit((c) => jobs.retryJob(c, ref, error, retry, now));
  markNeedsAttention: SpoolStore['markNeedsAttention'] = (ref, error, now) => this.#autocommit((c) => jobs.markNeedsAttention(c, ref, error, now));
  failJob: SpoolStore['failJob'] = (ref, error, now) => this.#autocommit((c) => jobs.failJob(c, ref, error, now));
  returnJob: SpoolStore['returnJob'] = (ref, now) => this.#autocommit((c) => jobs.returnJob(c, ref, now));
  resetInDoubt: SpoolStore['resetInDoubt'] = (printer, reason, now) => this.#write((c) => jobs.resetInDoubt(c, printer, reason, now));
  resumePrinter: SpoolStore['resumePrinter'] = (printer, now) => this.#write((c) => jobs.resumePrinter(c, printer, now));
  requeueFailed: SpoolStore['requeueFailed'] = (txn, now, request) => this.#write((c) => jobs.requeueFailed(c, txn, now, request));
  cancelJobs: SpoolStore['cancelJobs'] = (txn, request, now) => this.#write((c) => jobs.cancelJobs(c, txn, request, now));
  moveJobs: SpoolStore['moveJobs'] = (txn, printer, request, now) => this.#write((c) => jobs.moveJobs(c, txn, printer, request, now));
  /** Autovacuum reclaims the space of purged documents; nothing to do by hand here. */
  purgeDocuments: SpoolStore['purgeDocuments'] = (before, now) => this.#autocommit((c) => jobs.purgeDocuments(c, before, now));

  getJob(jobId: number): Promise<Job | undefined> {
    return this.#autocommit((c) => jobs.jobById(c, jobId));
  }

  findJob(transactionId: string): Promise<Job | undefined> {
    return this.#autocommit((c) => jobs.findOriginal(c, transactionId));
  }

  headJob(printer: string): Promise<Job | undefined> {
    return this.#autocommit((c) => jobs.headJob(c, printer));
  }

  jobAfter(printer: string, jobId: number): Promise<Job | undefined> {
    return this.#autocommit((c) => jobs.jobAfter(c, printer, jobId));
  }

  listJobs(filter: ListFilter): Promise<Job[]> {
    return this.#autocommit(async (c) => {
      const where: string[] = [];
      const values: unknown[] = [];
      if (filter.state !== undefined) {
        values.push(typeof filter.state === 'string' ? [filter.state] : [...filter.state]);
        where.push(`state = ANY($${values.length}::text[])`);
      }
      if (filter.printer !== undefined) {
        values.push(filter.printer);
        where.push(`printer = $${values.length}`);
      }
      if (filter.since !== undefined) {
        values.push(filter.since);
        where.push(`created_at >= $${values.length}`);
      }
      values.push(filter.limit ?? null); // LIMIT NULL: no limit
      const order = filter.newest ? 'DESC' : '';
      const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT $${values.length}::bigint`;
      const found = (await c.query<JobRow>(sql, values)).rows.map(toJob);
      return filter.newest ? found.reverse() : found;
    });
  }

  history(transactionId: string): Promise<HistoryEntry[]> {
    return this.#autocommit(async (c) => (await c.query<HistoryRow>(`SELECT * FROM job_history WHERE transaction_id = $1 ORDER BY id`, [transactionId])).rows.map(toHistoryEntry));
  }

  reprints(transactionId: string): Promise<ReprintRecord[]> {
    return this.#autocommit(async (c) => (await c.query<ReprintRow>(`SELECT * FROM reprints WHERE transaction_id = $1 ORDER BY id`, [transactionId])).rows.map(toReprintRecord));
  }

  acquireLease: SpoolStore['acquireLease'] = (printer, holder, ttlMs, now, owner) =>
    this.#autocommit(async (c) => {
      const leaseNow = leaseNowSql(this.#leaseClock, 7);
      const result = await c.query(
        `INSERT INTO leases (printer, holder, expires_at, host, pid) VALUES ($1, $2, ${leaseNow} + $3::bigint, $4, $5)
         ON CONFLICT (printer) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
           host = excluded.host, pid = excluded.pid
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ${leaseNow} OR leases.holder = $6`,
        [printer, holder, ttlMs, owner?.host ?? null, owner?.pid ?? null, owner?.replacing ?? null, ...this.#callerNow(now)],
      );
      return result.rowCount === 1;
    });

  /** The `now` parameter the lease SQL takes with the caller's clock (none with the database's). */
  #callerNow(now: number): number[] {
    return this.#leaseClock === 'caller' ? [now] : [];
  }

  /**
   * With the database's lease clock, `expiresAt` is told on this host's clock (now + what the
   * server says is left), so a caller compares it with its own `now` whatever the skew.
   */
  readLease(printer: string): Promise<Lease | undefined> {
    return this.#autocommit(async (c) => {
      const row = (await c.query(`SELECT *, ${leaseNowSql('database')} AS server_now FROM leases WHERE printer = $1`, [printer])).rows[0] as
        { printer: string; holder: string; expires_at: number; host: string | null; pid: number | null; server_now: number } | undefined;
      if (!row) return undefined;
      return {
        printer: row.printer,
        holder: row.holder,
        expiresAt: this.#leaseClock === 'database' ? Date.now() + (row.expires_at - row.server_now) : row.expires_at,
        ...(row.host === null ? {} : { host: row.host }),
        ...(row.pid === null ? {} : { pid: row.pid }),
      };
    });
  }

  historySince(afterId: number, limit: number): Promise<HistoryEntry[]> {
    return this.#autocommit(async (c) => (await c.query<HistoryRow>(`SELECT * FROM job_history WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit])).rows.map(toHistoryEntry));
  }

  lastHistoryId(): Promise<number> {
    return this.#autocommit(async (c) => Number((await c.query<{ id: number }>(`SELECT coalesce(max(id), 0) AS id FROM job_history`)).rows[0]!.id));
  }

  waitingPrinters(): Promise<WaitingPrinter[]> {
    return this.#autocommit(
      async (c) =>
        (await c.query<WaitingPrinter>(`SELECT printer, count(*)::int AS jobs, min(created_at) AS "oldestCreatedAt" FROM jobs WHERE is_open GROUP BY printer ORDER BY printer`))
          .rows,
    );
  }

  /** Informational (no WAL flush wait): the next poll writes another. */
  recordHeartbeat(printer: string, holder: string, now: number): Promise<void> {
    return this.#write(async (c) => {
      await c.query(
        `INSERT INTO printer_health (printer, observed_at, ready, reason, heartbeat_at, holder) VALUES ($1, 0, false, 'unknown', $3, $2)
         ON CONFLICT (printer) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, holder = excluded.holder`,
        [printer, holder, now],
      );
    }, true);
  }

  releaseLease(printer: string, holder: string): Promise<void> {
    return this.#autocommit(async (c) => {
      await c.query(`DELETE FROM leases WHERE printer = $1 AND holder = $2`, [printer, holder]);
    });
  }

  recordHealth(health: PrinterHealth): Promise<void> {
    return this.#write(async (c) => {
      await c.query(
        `INSERT INTO printer_health (printer, observed_at, ready, reason, status, uri, identity, confirmation, holder)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (printer) DO UPDATE SET observed_at = excluded.observed_at, ready = excluded.ready,
           reason = excluded.reason, status = excluded.status, uri = coalesce(excluded.uri, printer_health.uri),
           identity = coalesce(excluded.identity, printer_health.identity),
           confirmation = coalesce(excluded.confirmation, printer_health.confirmation),
           holder = coalesce(excluded.holder, printer_health.holder)`,
        [
          health.printer,
          health.observedAt ?? 0,
          health.ready,
          health.reason,
          health.status === null ? null : JSON.stringify(health.status),
          health.uri ?? null,
          health.identity ? JSON.stringify(health.identity) : null,
          health.confirmation ?? null,
          health.servedBy ?? null,
        ],
      );
    }, true);
  }

  readHealth(printer: string): Promise<PrinterHealth | undefined> {
    return this.#autocommit(async (c) => {
      const row = (await c.query<HealthRow>(`SELECT * FROM printer_health WHERE printer = $1`, [printer])).rows[0];
      return row && toHealth(row);
    });
  }

  listHealth(): Promise<PrinterHealth[]> {
    return this.#autocommit(async (c) => (await c.query<HealthRow>(`SELECT * FROM printer_health ORDER BY printer`)).rows.map(toHealth));
  }

  watch(listener: () => void): () => void {
    this.#watchers.add(listener);
    if (this.#watchers.size === 1) void this.#listen(false);
    return () => {
      this.#watchers.delete(listener);
      if (this.#watchers.size === 0) this.#unlisten();
    };
  }

  /**
   * LISTENs on the schema's channel (the migration's triggers NOTIFY it on every commit that
   * changes jobs or health). After a lost connection it listens again and wakes every watcher
   * once, since notifications sent meanwhile are gone.
   */
  async #listen(reconnecting: boolean): Promise<void> {
    if (this.#closed || this.#watchers.size === 0 || this.#listener) return;
    let pg: Awaited<ReturnType<typeof loadDriver>>;
    try {
      pg = await loadDriver();
    } catch {
      // Every other call on this store reports the missing driver; the watch tries again later.
      this.#relistenTimer = setTimeout(() => void this.#listen(reconnecting), this.#relistenDelayMs);
      this.#relistenTimer.unref();
      return;
    }
    if (this.#closed || this.#watchers.size === 0 || this.#listener) return; // changed while the driver loaded
    const client = new pg.Client(clientConfig(pg, this.#target));
    this.#listener = client;
    const retry = (): void => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      client.end().catch(() => {});
      this.#relistenTimer = setTimeout(() => void this.#listen(true), this.#relistenDelayMs);
      this.#relistenTimer.unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => this.#notify());
    try {
      await this.#getPool(); // the schema and its triggers exist
      await client.connect();
      await client.query(`LISTEN ${this.#target.schema}`);
      if (reconnecting) this.#notify();
    } catch {
      retry();
    }
  }

  #unlisten(): void {
    clearTimeout(this.#relistenTimer);
    const client = this.#listener;
    this.#listener = undefined;
    client?.end().catch(() => {});
  }

  #notify(): void {
    for (const listener of [...this.#watchers]) listener();
  }

  /** The server is checked by every operation; here only whether this store was closed. */
  check(): void {
    if (this.#closed) throw new StoreError(`store is closed: ${this.path}`, this.path);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.clear();
    this.#unlisten();
    const pool = await this.#pool?.catch(() => undefined);
    await pool?.end().catch(() => {});
  }
}
