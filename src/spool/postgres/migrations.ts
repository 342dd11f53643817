/**
 * Numbered forward migrations for the PostgreSQL store, recorded in `schema_migrations`. Applied in
 * one transaction under an advisory lock, so hosts starting together never migrate twice. Kept as
 * TS strings so the build ships them. Never edit a migration once released: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const m0001_initial = `
CREATE TABLE jobs (
  id BIGSERIAL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  printer TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'original' CHECK (kind IN ('original', 'reprint')),
  document TEXT,
  -- JSON array of DocumentWarning, or NULL for none; kept when the document is purged.
  warnings TEXT,
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'confirming', 'printed', 'retrying', 'needs-attention', 'failed', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  marked BOOLEAN NOT NULL DEFAULT false,
  must_mark BOOLEAN NOT NULL DEFAULT false,
  maybe_printed INTEGER NOT NULL DEFAULT 0,
  copy INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT,
  last_error_code TEXT,
  last_error_message TEXT,
  guarantee TEXT,
  printed_on TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  printed_at BIGINT,
  purged_at BIGINT,
  -- "open" is defined here once: every state that still owes the transaction a receipt.
  is_open BOOLEAN GENERATED ALWAYS AS (state NOT IN ('printed', 'failed', 'cancelled')) STORED
);
CREATE UNIQUE INDEX jobs_transaction ON jobs (transaction_id) WHERE kind = 'original';
CREATE INDEX jobs_copies ON jobs (transaction_id);
CREATE INDEX jobs_open ON jobs (printer, id) WHERE is_open;
CREATE INDEX jobs_state ON jobs (state, created_at);

CREATE TABLE job_history (
  id BIGSERIAL PRIMARY KEY,
  job_id BIGINT NOT NULL,
  transaction_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  bytes_sent INTEGER,
  guarantee TEXT,
  error_code TEXT,
  message TEXT
);
CREATE INDEX job_history_transaction ON job_history (transaction_id, id);

CREATE TABLE reprints (
  id BIGSERIAL PRIMARY KEY,
  transaction_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL,
  copy_job_id BIGINT
);
CREATE INDEX reprints_transaction ON reprints (transaction_id, id);

-- One worker per printer across every host of the fleet.
CREATE TABLE leases (
  printer TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  host TEXT,
  pid INTEGER
);

CREATE TABLE printer_health (
  printer TEXT PRIMARY KEY,
  observed_at BIGINT NOT NULL,
  ready BOOLEAN NOT NULL,
  reason TEXT NOT NULL,
  status TEXT,
  heartbeat_at BIGINT,
  holder TEXT,
  uri TEXT,
  identity TEXT,
  confirmation TEXT
);

-- Wake-ups: every commit that changes jobs or health (or frees a lease) notifies the channel named
-- after the schema; identical notifications within one transaction are delivered once.
CREATE FUNCTION notify_spool_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_SCHEMA, TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE TRIGGER jobs_changed AFTER INSERT OR UPDATE OR DELETE ON jobs
  FOR EACH STATEMENT EXECUTE FUNCTION notify_spool_change();
CREATE TRIGGER health_changed AFTER INSERT OR UPDATE ON printer_health
  FOR EACH STATEMENT EXECUTE FUNCTION notify_spool_change();
CREATE TRIGGER lease_freed AFTER DELETE ON leases
  FOR EACH STATEMENT EXECUTE FUNCTION notify_spool_change();
`;

// The tills' outboxes (src/spool/outbox): how far each till has forwarded its history (moved in the
// same transaction as the rows it forwards), and which fleet job each till job became.
const m0002_outbox = `
CREATE TABLE outbox_cursors (
  host TEXT PRIMARY KEY,
  history_id BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE outbox_jobs (
  host TEXT NOT NULL,
  origin_job_id BIGINT NOT NULL,
  job_id BIGINT NOT NULL,
  -- true: the fleet row mirrors the till's job (the till prints it); false: handed over to its home.
  mirrored BOOLEAN NOT NULL,
  PRIMARY KEY (host, origin_job_id)
);
`;

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: m0001_initial },
  { version: 2, name: 'outbox', sql: m0002_outbox },
];

export const latestVersion = migrations.length;
