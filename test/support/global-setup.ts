/**
 * vitest globalSetup: one visible line per missing tool (what was skipped, how to enable it), so
 * a run on a machine with only Node is never silently partial. TEST_REQUIRE=socat,udevadm (set by
 * .ci/run) turns a missing tool into a failure instead.
 */
import { allRequirements, skipLine } from './requirements.js';

export default function setup(): void {
  const missing = allRequirements().filter((requirement) => !requirement.available);
  for (const requirement of missing) process.stdout.write(`${skipLine(requirement)}\n`);
  const required = (process.env['TEST_REQUIRE'] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = required.filter((name) => !allRequirements().some((requirement) => requirement.name === name));
  if (unknown.length > 0) throw new Error(`TEST_REQUIRE names unknown requirement(s): ${unknown.join(', ')}`);
  const absent = missing.filter((requirement) => required.includes(requirement.name));
  if (absent.length > 0) throw new Error(`TEST_REQUIRE: ${absent.map((r) => r.name).join(', ')} missing; ${absent.map((r) => r.enable).join('; ')}`);
}
