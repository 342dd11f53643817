/**
 * The API report: one `api/<entry>.api.md` per package entry, made by @microsoft/api-extractor
 * from the built declarations (`npm run build` first). It brings its own TypeScript compiler, so
 * it works beside our TypeScript 7 `tsc` (which has no compiler API). `npm run api` rewrites the
 * reports after an intended change; `npm run api -- --check` (CI) fails when the face changed
 * without the report.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

/** Report name → declaration file of the entry (package.json "exports"). */
const ENTRIES: Record<string, string> = {
  'receipt-spool': 'dist/index.d.ts',
  emulator: 'dist/exports/emulator.d.ts',
  testing: 'dist/exports/testing.d.ts',
  'node-thermal-printer': 'dist/exports/node-thermal-printer.d.ts',
  server: 'dist/server/index.d.ts',
};

let failed = false;
for (const [name, entry] of Object.entries(ENTRIES)) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: path.join(root, entry),
      compiler: { overrideTsconfig: { compilerOptions: { types: ['node', 'w3c-web-usb'], skipLibCheck: true, lib: ['es2023'] } } },
      apiReport: { enabled: true, reportFileName: `${name}.api.md`, reportFolder: path.join(root, 'api'), reportTempFolder: path.join(root, 'node_modules/.cache/api-report') },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report lists the face; doc-comment style and "forgotten export" of internal types are not its job.
        extractorMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: path.join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
  if (!result.succeeded || (check && result.apiReportChanged)) {
    failed = true;
    console.error(`api report ${name}: ${result.apiReportChanged ? 'the public API changed; run `npm run api` and commit api/' : 'failed'}`);
  } else {
    console.log(`api report ${name}: ${result.apiReportChanged ? 'updated' : 'unchanged'}`);
  }
}
if (failed) process.exitCode = 1;
