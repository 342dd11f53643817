/** The OpenAPI file and the routes the service really has agree, in both directions. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import { useTempSpool } from '../spool/helpers.js';

const temp = useTempSpool();

it('documents every API route, and nothing that is not a route', () => {
  const app = createApp(temp.spool, { token: 'openapi-test-token-0123456789' });
  const served = app.routes
    .filter((route) => route.path.startsWith('/api/') && route.method !== 'ALL')
    .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  const spec = JSON.parse(readFileSync(new URL('../../schema/openapi.json', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(spec.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
  expect([...new Set(served)].sort()).toEqual(documented.sort());
});
