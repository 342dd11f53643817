/**
 * Numbered forward migrations; `PRAGMA user_version` holds the number of the last one applied.
 * Kept as TS strings so the build ships them (tsc does not copy .sql files). Never edit a
 * migration once released: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const m0001_initial = `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  printer TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'reprint')),
  document TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'confirming', 'printed', 'retrying', 'needs-attention', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  marked INTEGER NOT NULL DEFAULT 0,
  must_mark INTEGER NOT NULL DEFAULT 0,
  maybe_printed INTEGER NOT NULL DEFAULT 0,
  copy INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error_code TEXT,
  last_error_message TEXT,
  guarantee TEXT,
  printed_on TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  printed_at INTEGER,
  -- "open" is defined here once: every state that still owes the transaction a receipt.
  is_open INTEGER GENERATED ALWAYS AS (state NOT IN ('printed', 'failed')) VIRTUAL
);
CREATE UNIQUE INDEX jobs_transaction ON jobs(transaction_id) WHERE kind = 'original';
CREATE INDEX jobs_copies ON jobs(transaction_id);
CREATE INDEX jobs_open ON jobs(printer, id) WHERE is_open;
CREATE INDEX jobs_state ON jobs(state, created_at);

CREATE TABLE job_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL,
  transaction_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  bytes_sent INTEGER,
  guarantee TEXT,
  error_code TEXT,
  message TEXT
);
CREATE INDEX job_history_transaction ON job_history(transaction_id, id);

CREATE TABLE reprints (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL,
  copy_job_id INTEGER
);
CREATE INDEX reprints_transaction ON reprints(transaction_id, id);
`;

/** Leases (one worker per printer across processes), health observations, retention. */
const m0002_leases_health_retention = `
CREATE TABLE leases (
  printer TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE printer_health (
  printer TEXT PRIMARY KEY,
  observed_at INTEGER NOT NULL,
  ready INTEGER NOT NULL,
  reason TEXT NOT NULL,
  status TEXT
);
ALTER TABLE jobs ADD COLUMN purged_at INTEGER;
`;

/** What the lenient reading changed at submit: a JSON array of `{code, path, message}`, NULL for none. */
const m0003_job_warnings = `
ALTER TABLE jobs ADD COLUMN warnings TEXT;
`;

/**
 * Operator truth (issue 15): the `cancelled` state (SQLite cannot alter a CHECK, so `jobs` is
 * rebuilt), who holds a lease (host and pid, for same-host crash takeover), and the worker's
 * heartbeat and last observation of its printer (identity, confirmation mode, URI).
 */
const m0004_operator_truth = `
CREATE TABLE jobs_v4 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_id TEXT NOT NULL,
  printer TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'reprint')),
  document TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'confirming', 'printed', 'retrying', 'needs-attention', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  marked INTEGER NOT NULL DEFAULT 0,
  must_mark INTEGER NOT NULL DEFAULT 0,
  maybe_printed INTEGER NOT NULL DEFAULT 0,
  copy INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error_code TEXT,
  last_error_message TEXT,
  guarantee TEXT,
  printed_on TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  printed_at INTEGER,
  purged_at INTEGER,
  warnings TEXT,
  is_open INTEGER GENERATED ALWAYS AS (state NOT IN ('printed', 'failed', 'cancelled')) VIRTUAL
);
INSERT INTO jobs_v4 (id, transaction_id, printer, kind, document, state, attempts, failures, marked, must_mark,
  maybe_printed, copy, next_attempt_at, last_error_code, last_error_message, guarantee, printed_on, created_at,
  updated_at, printed_at, purged_at, warnings)
SELECT id, transaction_id, printer, kind, document, state, attempts, failures, marked, must_mark,
  maybe_printed, copy, next_attempt_at, last_error_code, last_error_message, guarantee, printed_on, created_at,
  updated_at, printed_at, purged_at, warnings FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v4 RENAME TO jobs;
CREATE UNIQUE INDEX jobs_transaction ON jobs(transaction_id) WHERE kind = 'original';
CREATE INDEX jobs_copies ON jobs(transaction_id);
CREATE INDEX jobs_open ON jobs(printer, id) WHERE is_open;
CREATE INDEX jobs_state ON jobs(state, created_at);

ALTER TABLE leases ADD COLUMN host TEXT;
ALTER TABLE leases ADD COLUMN pid INTEGER;
ALTER TABLE printer_health ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE printer_health ADD COLUMN holder TEXT;
ALTER TABLE printer_health ADD COLUMN uri TEXT;
ALTER TABLE printer_health ADD COLUMN identity TEXT;
ALTER TABLE printer_health ADD COLUMN confirmation TEXT;
`;

/**
 * The submit's commit writes fewer pages: 5.4 WAL frames a submit instead of 8.4 (a bare INSERT
 * writes 2.3), so SQLite's automatic checkpoint (every 1000 frames) lands in 1 submit in 190
 * instead of 1 in 120, out of the p99 of the submit bench (issue 14). `jobs` and
 * `job_history` are rebuilt without AUTOINCREMENT (its `sqlite_sequence` row was one more page a
 * commit): ids stay increasing because no job or history row is ever deleted (purge only clears
 * documents), so `max(id) + 1` never hands out an id again. `jobs_copies`, touched by every insert,
 * becomes `jobs_reprints`, touched only by reprints (the two partial indexes together find every job
 * of a transaction), and `jobs_state` keeps only the states a person looks for, which the hot path
 * (queued, sending, confirming, printed) never enters. Every row is copied with its id.
 */
const m0005_lean_submit = `
CREATE TABLE jobs_v5 (
  id INTEGER PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  printer TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'reprint')),
  document TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'confirming', 'printed', 'retrying', 'needs-attention', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  marked INTEGER NOT NULL DEFAULT 0,
  must_mark INTEGER NOT NULL DEFAULT 0,
  maybe_printed INTEGER NOT NULL DEFAULT 0,
  copy INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_error_code TEXT,
  last_error_message TEXT,
  guarantee TEXT,
  printed_on TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  printed_at INTEGER,
  purged_at INTEGER,
  warnings TEXT,
  is_open INTEGER GENERATED ALWAYS AS (state NOT IN ('printed', 'failed', 'cancelled')) VIRTUAL
);
INSERT INTO jobs_v5 (id, transaction_id, printer, kind, document, state, attempts, failures, marked, must_mark,
  maybe_printed, copy, next_attempt_at, last_error_code, last_error_message, guarantee, printed_on, created_at,
  updated_at, printed_at, purged_at, warnings)
SELECT id, transaction_id, printer, kind, document, state, attempts, failures, marked, must_mark,
  maybe_printed, copy, next_attempt_at, last_error_code, last_error_message, guarantee, printed_on, created_at,
  updated_at, printed_at, purged_at, warnings FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_v5 RENAME TO jobs;
CREATE UNIQUE INDEX jobs_transaction ON jobs(transaction_id) WHERE kind = 'original';
CREATE INDEX jobs_reprints ON jobs(transaction_id) WHERE kind = 'reprint';
CREATE INDEX jobs_open ON jobs(printer, id) WHERE is_open;
CREATE INDEX jobs_state ON jobs(state, created_at) WHERE state IN ('retrying', 'needs-attention', 'failed', 'cancelled');

CREATE TABLE job_history_v5 (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  transaction_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  bytes_sent INTEGER,
  guarantee TEXT,
  error_code TEXT,
  message TEXT
);
INSERT INTO job_history_v5 (id, job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message)
SELECT id, job_id, transaction_id, at, from_state, to_state, attempt, bytes_sent, guarantee, error_code, message FROM job_history;
DROP TABLE job_history;
ALTER TABLE job_history_v5 RENAME TO job_history;
CREATE INDEX job_history_transaction ON job_history(transaction_id, id);
DELETE FROM sqlite_sequence WHERE name IN ('jobs', 'job_history');
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: m0001_initial },
  { version: 2, name: 'leases_health_retention', sql: m0002_leases_health_retention },
  { version: 3, name: 'job_warnings', sql: m0003_job_warnings },
  { version: 4, name: 'operator_truth', sql: m0004_operator_truth },
  { version: 5, name: 'lean_submit', sql: m0005_lean_submit },
];

export const latestVersion = migrations.length;
