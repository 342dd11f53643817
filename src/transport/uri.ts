/**
 * Printer URIs ↔ `PrinterTarget`. Pure string work: parsing never touches the
 * network, the file system or a shell. Every rejection is an `InvalidPrinterUriError`
 * naming the part that is wrong, so a typo in a config file is easy to find.
 */
import { isIPv6 } from 'node:net';
import { InvalidPrinterUriError } from '../errors.js';

export type SerialParity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type SerialFlowControl = 'rtscts' | 'xonxoff' | 'none';

interface TargetCommon {
  /** Printer profile name (`profile=` query); validated by the escpos layer, not here. */
  profile?: string;
  /** Open/connect timeout in ms (`timeout=` query). */
  timeoutMs?: number;
}

export interface TcpTarget extends TargetCommon {
  kind: 'tcp';
  host: string;
  port: number;
  /** TCP keep-alive (default true). */
  keepAlive?: boolean;
}

export interface SerialTarget extends TargetCommon {
  kind: 'serial';
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: SerialParity;
  stopBits: 1 | 1.5 | 2;
  flowControl: SerialFlowControl;
}

export interface UsbTarget extends TargetCommon {
  kind: 'usb';
  /** Absent: the first printer found (`usb://`). */
  vendorId?: number;
  productId?: number;
  serialNumber?: string;
}

export interface FileTarget extends TargetCommon {
  kind: 'file';
  path: string;
}

export interface MemoryTarget extends TargetCommon {
  kind: 'memory';
  name: string;
}

export type PrinterTarget = TcpTarget | SerialTarget | UsbTarget | FileTarget | MemoryTarget;

export const DEFAULT_TCP_PORT = 9100;
export const SERIAL_DEFAULTS = {
  baudRate: 9600,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  flowControl: 'none',
} as const satisfies Omit<SerialTarget, 'kind' | 'path'>;

const COMMON_KEYS = ['profile', 'timeout'] as const;
const KEYS_BY_KIND: Record<PrinterTarget['kind'], readonly string[]> = {
  tcp: [...COMMON_KEYS, 'keepAlive'],
  serial: [...COMMON_KEYS, 'baudRate', 'dataBits', 'parity', 'stopBits', 'flowControl'],
  usb: [...COMMON_KEYS, 'serial'],
  file: COMMON_KEYS,
  memory: COMMON_KEYS,
};

export interface ParseOptions {
  /** The system the printer will be opened on (default: this one); serial settings differ by OS. */
  platform?: NodeJS.Platform;
}

/**
 * Serial settings `serialport` cannot open on this platform. Outside Windows,
 * @serialport/bindings-cpp 13 (src/serialport_unix.cpp, `setup`) knows parity none/odd/even
 * and stop bits 1/2 only; mark, space and 1.5 fail at open with "Invalid parity setting" /
 * "Invalid stop bits setting", which would otherwise be retried as a connection fault forever.
 */
export function unsupportedSerialSetting(
  settings: { parity: SerialParity; stopBits: 1 | 1.5 | 2 },
  platform: NodeJS.Platform = process.platform,
): { part: 'parity' | 'stopBits'; reason: string } | undefined {
  if (platform === 'win32') return undefined;
  if (settings.parity === 'mark' || settings.parity === 'space') {
    return { part: 'parity', reason: `"${settings.parity}" is only available on Windows (here: none, even, odd)` };
  }
  if (settings.stopBits === 1.5) return { part: 'stopBits', reason: '1.5 is only available on Windows (here: 1, 2)' };
  return undefined;
}

export function parsePrinterUri(uri: string, options: ParseOptions = {}): PrinterTarget {
  const fail = (part: string, reason: string): never => {
    throw new InvalidPrinterUriError(uri, part, reason);
  };
  if (typeof uri !== 'string' || uri.trim() === '') fail('uri', 'empty');
  if (/[\s\u0000-\u001f\u007f]/.test(uri)) fail('uri', 'contains whitespace or control characters');

  const colon = uri.indexOf(':');
  if (colon <= 0) fail('scheme', 'missing (expected tcp:, serial:, usb:, file: or memory:)');
  const scheme = uri.slice(0, colon).toLowerCase();
  const rest = uri.slice(colon + 1);
  const questionMark = rest.indexOf('?');
  const body = questionMark === -1 ? rest : rest.slice(0, questionMark);
  const query = parseQuery(questionMark === -1 ? '' : rest.slice(questionMark + 1), fail);

  let target: PrinterTarget;
  switch (scheme) {
    case 'tcp':
      target = parseTcp(body, fail);
      break;
    case 'serial':
      target = { kind: 'serial', path: parsePath(body, 'path', fail), ...SERIAL_DEFAULTS };
      break;
    case 'usb':
      target = parseUsb(body, fail);
      break;
    case 'file':
      target = { kind: 'file', path: parsePath(body, 'path', fail) };
      break;
    case 'memory': {
      const name = body.replace(/^\/\//, '');
      if (!/^[\w.-]+$/.test(name)) fail('name', `"${name}" is not a memory printer name (letters, digits, _ . -)`);
      target = { kind: 'memory', name };
      break;
    }
    default:
      return fail('scheme', `"${scheme}" is not one of tcp, serial, usb, file, memory`);
  }

  const allowed = KEYS_BY_KIND[target.kind];
  for (const [key, value] of query) {
    if (!allowed.includes(key)) fail(key, `unknown parameter for ${target.kind} (allowed: ${allowed.join(', ')})`);
    applyQueryValue(target, key, value, fail);
  }
  if (target.kind === 'serial') {
    const unsupported = unsupportedSerialSetting(target, options.platform);
    if (unsupported !== undefined) fail(unsupported.part, unsupported.reason);
  }
  return target;
}

type Fail = (part: string, reason: string) => never;

function parseQuery(text: string, fail: Fail): Map<string, string> {
  const result = new Map<string, string>();
  if (text === '') return result;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = safeDecode(eq === -1 ? pair : pair.slice(0, eq), 'query', fail);
    if (key === '') fail('query', `parameter without a name in "${pair}"`);
    const value = eq === -1 ? '' : safeDecode(pair.slice(eq + 1), key, fail);
    if (result.has(key)) fail(key, 'given more than once');
    result.set(key, value);
  }
  return result;
}

function safeDecode(text: string, part: string, fail: Fail): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return fail(part, `bad percent-encoding in "${text}"`);
  }
}

function parseTcp(body: string, fail: Fail): TcpTarget {
  if (!body.startsWith('//')) fail('host', 'expected tcp://HOST[:PORT]');
  let authority = body.slice(2);
  if (authority.endsWith('/')) authority = authority.slice(0, -1);
  if (authority.includes('/')) fail('path', 'tcp URIs have no path');
  if (authority.includes('@')) fail('host', 'user information is not allowed');

  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) fail('host', 'unterminated IPv6 literal');
    host = authority.slice(1, close);
    if (!isIPv6(host)) fail('host', `"${host}" is not an IPv6 address`);
    const after = authority.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) fail('host', `unexpected "${after}" after the IPv6 address`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const parts = authority.split(':');
    if (parts.length > 2) fail('host', 'IPv6 addresses must be written in brackets, e.g. tcp://[::1]:9100');
    host = parts[0] ?? '';
    portText = parts[1];
    if (host === '') fail('host', 'missing');
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/.test(host)) {
      fail('host', `"${host}" is not a host name or IPv4 address`);
    }
  }
  const port = portText === undefined ? DEFAULT_TCP_PORT : parseInteger(portText, 'port', 1, 65535, fail);
  return { kind: 'tcp', host, port };
}

function parseUsb(body: string, fail: Fail): UsbTarget {
  if (!body.startsWith('//')) fail('vendorId', 'expected usb://VID:PID or usb://');
  let ids = body.slice(2);
  if (ids.endsWith('/')) ids = ids.slice(0, -1);
  if (ids === '') return { kind: 'usb' };
  const [vendor, product, ...extra] = ids.split(':');
  if (extra.length > 0) fail('productId', 'expected usb://VID:PID');
  const vendorId = parseHexId(vendor ?? '', 'vendorId', fail);
  if (product === undefined || product === '') return fail('productId', 'missing (expected usb://VID:PID, hex)');
  return { kind: 'usb', vendorId, productId: parseHexId(product, 'productId', fail) };
}

function parseHexId(text: string, part: string, fail: Fail): number {
  const digits = text.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,4}$/.test(digits)) fail(part, `"${text}" is not a 16-bit hex id such as 04b8`);
  return Number.parseInt(digits, 16);
}

function parsePath(body: string, part: string, fail: Fail): string {
  // `serial:///dev/ttyUSB0` and `serial:/dev/ttyUSB0` mean the same.
  const path = body.startsWith('///') ? body.slice(2) : body;
  if (path === '' || path.startsWith('//')) fail(part, 'missing device path');
  return safeDecode(path, part, fail);
}

function parseInteger(text: string, part: string, min: number, max: number, fail: Fail): number {
  if (!/^\d+$/.test(text)) fail(part, `"${text}" is not a whole number`);
  const value = Number(text);
  if (value < min || value > max) fail(part, `${value} is outside ${min}..${max}`);
  return value;
}

function applyQueryValue(target: PrinterTarget, key: string, value: string, fail: Fail): void {
  switch (key) {
    case 'profile':
      if (value === '') fail('profile', 'empty');
      target.profile = value;
      return;
    case 'timeout':
      target.timeoutMs = parseInteger(value, 'timeout', 1, 3_600_000, fail);
      return;
  }
  if (target.kind === 'tcp' && key === 'keepAlive') {
    target.keepAlive = parseBoolean(value, key, fail);
  } else if (target.kind === 'usb' && key === 'serial') {
    if (value === '') fail('serial', 'empty serial number');
    target.serialNumber = value;
  } else if (target.kind === 'serial') {
    applySerialValue(target, key, value, fail);
  }
}

function applySerialValue(target: SerialTarget, key: string, value: string, fail: Fail): void {
  switch (key) {
    case 'baudRate':
      target.baudRate = parseInteger(value, 'baudRate', 50, 4_000_000, fail);
      return;
    case 'dataBits':
      target.dataBits = oneOf(value, [5, 6, 7, 8] as const, key, fail);
      return;
    case 'stopBits':
      target.stopBits = oneOf(value, [1, 1.5, 2] as const, key, fail);
      return;
    case 'parity':
      target.parity = oneOf(value, ['none', 'even', 'odd', 'mark', 'space'] as const, key, fail);
      return;
    case 'flowControl':
      target.flowControl = oneOf(value, ['rtscts', 'xonxoff', 'none'] as const, key, fail);
      return;
  }
}

function oneOf<T extends string | number>(value: string, choices: readonly T[], part: string, fail: Fail): T {
  const found = choices.find((choice) => String(choice) === value);
  if (found === undefined) return fail(part, `"${value}" is not one of ${choices.join(', ')}`);
  return found;
}

function parseBoolean(value: string, part: string, fail: Fail): boolean {
  if (value === 'true' || value === '1' || value === '') return true;
  if (value === 'false' || value === '0') return false;
  return fail(part, `"${value}" is not true or false`);
}

/** The canonical URI of a target; `parsePrinterUri(formatPrinterUri(t))` gives `t` back. */
export function formatPrinterUri(target: PrinterTarget): string {
  const query = new URLSearchParams();
  let base: string;
  switch (target.kind) {
    case 'tcp': {
      const host = isIPv6(target.host) ? `[${target.host}]` : target.host;
      base = `tcp://${host}:${target.port}`;
      if (target.keepAlive !== undefined) query.set('keepAlive', String(target.keepAlive));
      break;
    }
    case 'serial':
      base = `serial:${encodePath(target.path)}`;
      for (const key of ['baudRate', 'dataBits', 'parity', 'stopBits', 'flowControl'] as const) {
        if (target[key] !== SERIAL_DEFAULTS[key]) query.set(key, String(target[key]));
      }
      break;
    case 'usb':
      base = target.vendorId === undefined ? 'usb://' : `usb://${hex4(target.vendorId)}:${hex4(target.productId ?? 0)}`;
      if (target.serialNumber !== undefined) query.set('serial', target.serialNumber);
      break;
    case 'file':
      base = `file:${encodePath(target.path)}`;
      break;
    case 'memory':
      base = `memory:${target.name}`;
      break;
  }
  if (target.timeoutMs !== undefined) query.set('timeout', String(target.timeoutMs));
  if (target.profile !== undefined) query.set('profile', target.profile);
  const text = query.toString();
  return text === '' ? base : `${base}?${text}`;
}

function hex4(id: number): string {
  return id.toString(16).padStart(4, '0');
}

function encodePath(path: string): string {
  return path.replace(/[%?&#\s]/g, (c) => encodeURIComponent(c));
}
