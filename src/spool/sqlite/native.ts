/**
 * better-sqlite3 loads its compiled binding when the first database opens. When that binding is
 * missing (install script skipped or failed) or built for another Node or Electron, its own error
 * lists a dozen searched paths; this says what happened in one sentence and names the fix.
 */
import { NativeModuleError } from '../../errors.js';

const REBUILD =
  'run `npm rebuild better-sqlite3` (it compiles with python3, make and a C++ compiler when no prebuilt binary fits; npm 11 needs it approved in package.json "allowScripts"; under Electron use @electron/rebuild) — see the README, "Install in your project"';

/** A NativeModuleError when `error` is better-sqlite3 failing to load its binding; undefined otherwise. */
export function explainBindingError(error: unknown): NativeModuleError | undefined {
  const message = error instanceof Error ? error.message : '';
  const code = (error as { code?: unknown } | null)?.code;
  const options = { cause: error };
  if (message.includes('Could not locate the bindings file') || (code === 'MODULE_NOT_FOUND' && message.includes('better_sqlite3.node'))) {
    return new NativeModuleError('better-sqlite3', `better-sqlite3's native binding was never built (its install script did not run or failed): ${REBUILD}`, options);
  }
  const versions = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  if (versions) {
    return new NativeModuleError(
      'better-sqlite3',
      `better-sqlite3's native binding was built for another Node.js or Electron (NODE_MODULE_VERSION ${versions[1]}, this one needs ${versions[2]}): ${REBUILD}`,
      options,
    );
  }
  if (code === 'ERR_DLOPEN_FAILED') {
    return new NativeModuleError('better-sqlite3', `better-sqlite3's native binding cannot be loaded on this system (${firstLine(message)}): ${REBUILD}`, options);
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
