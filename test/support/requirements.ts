/**
 * What the test suite needs from the machine beyond Node, in one place. A clean machine has only
 * Node: tests that need more are skipped (`describe.skipIf(!socat.available)`), and the vitest
 * globalSetup (test/support/global-setup.ts) prints one line per missing tool saying what was
 * skipped and how to enable it. `.ci/run` installs everything, and sets TEST_REQUIRE so that a
 * missing tool fails CI instead of skipping.
 *
 * To add one (PostgreSQL, Chromium): `defineRequirement({ name, skipped, enable, detect })`, where
 * `detect` may read an environment variable (e.g. a database URL) or look on PATH with `onPath`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, join } from 'node:path';

export interface Requirement {
  /** Short name used in skip lines and in TEST_REQUIRE. */
  readonly name: string;
  /** Which tests are skipped without it. */
  readonly skipped: string;
  /** How to enable them. */
  readonly enable: string;
  /** Present on this machine (checked once, when first asked). */
  readonly available: boolean;
}

const registry: Requirement[] = [];

export function defineRequirement(spec: { name: string; skipped: string; enable: string; detect: () => boolean }): Requirement {
  let found: boolean | undefined;
  const requirement: Requirement = {
    name: spec.name,
    skipped: spec.skipped,
    enable: spec.enable,
    get available() {
      return (found ??= spec.detect());
    },
  };
  registry.push(requirement);
  return requirement;
}

/** True when `program` is an executable file in one of PATH's directories. */
export function onPath(program: string, pathVariable = process.env['PATH'] ?? ''): boolean {
  return pathVariable
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      const candidate = join(dir, program);
      try {
        accessSync(candidate, constants.X_OK);
        return statSync(candidate).isFile();
      } catch {
        return false;
      }
    });
}

export const socat = defineRequirement({
  name: 'socat',
  skipped: 'pseudo-terminal tests (serial and file transports over a pty, the emulator and CLI with --pty)',
  enable: 'apt-get install socat (or run bash .ci/run)',
  detect: () => onPath('socat'),
});

export const udevadm = defineRequirement({
  name: 'udevadm',
  skipped: 'serial port listing tests (serialport lists ports through udevadm)',
  enable: 'apt-get install udev (or run bash .ci/run)',
  detect: () => onPath('udevadm'),
});

/** A PostgreSQL server for the PostgreSQL store's tests: its URL in RECEIPT_SPOOL_TEST_PG (a throwaway database is fine). */
export const postgres = defineRequirement({
  name: 'postgres',
  skipped: 'PostgreSQL store tests (store contract, CLI --db postgres://, wake-ups across connections, lease clock, fleet chaos)',
  enable: 'apt-get install postgresql, then scripts/pg-test-cluster.sh run -- npm test (or set RECEIPT_SPOOL_TEST_PG=postgres://user@127.0.0.1:PORT/DB)',
  detect: () => Boolean(process.env['RECEIPT_SPOOL_TEST_PG']),
});

/** Debian's Chromium (or CHROMIUM_PATH), driven by playwright-core for the dashboard's browser tests. */
export const chromium = defineRequirement({
  name: 'chromium',
  skipped: 'dashboard tests in a real browser (playwright-core driving Chromium)',
  enable: 'apt-get install chromium, or set CHROMIUM_PATH (or run bash .ci/run)',
  detect: () => chromiumPath() !== undefined,
});

export function chromiumPath(): string | undefined {
  const given = process.env['CHROMIUM_PATH'];
  if (given) return given;
  const dir = (process.env['PATH'] ?? '').split(delimiter).find((d) => d && onPath('chromium', d));
  return dir === undefined ? undefined : join(dir, 'chromium');
}

/**
 * Permission tests need a user whom permissions bind. Root is not: they run a child as `nobody`,
 * which must be able to reach Node and this checkout (not the case under /root or a 0700 temp dir).
 */
export const unprivilegedUser = defineRequirement({
  name: 'unprivileged user',
  skipped: 'file-permission tests (a read-only store directory), which run as user nobody when the suite runs as root',
  enable: 'run the tests as a non-root user, or from a checkout user nobody can read (e.g. under /srv, not /root)',
  detect: () => {
    if (process.getuid?.() !== 0) return true;
    const checkout = fileURLToPath(new URL('../../package.json', import.meta.url));
    const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(checkout)})`], {
      uid: 65534,
      gid: 65534,
      stdio: 'ignore',
      timeout: 10_000,
    });
    return probe.status === 0;
  },
});

export function allRequirements(): readonly Requirement[] {
  return registry;
}

/** The line printed once per run for a missing requirement. */
export function skipLine(requirement: Requirement): string {
  return `skipped: ${requirement.skipped} — ${requirement.name} is not available; to enable: ${requirement.enable}`;
}
