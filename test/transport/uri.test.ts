import { describe, expect, it } from 'vitest';
import { InvalidPrinterUriError } from '../../src/errors.js';
import { formatPrinterUri, parsePrinterUri, type PrinterTarget } from '../../src/transport/uri.js';

describe('parsePrinterUri', () => {
  it.each<[string, PrinterTarget]>([
    ['tcp://192.168.1.50', { kind: 'tcp', host: '192.168.1.50', port: 9100 }],
    ['tcp://printer.local:9101/', { kind: 'tcp', host: 'printer.local', port: 9101 }],
    ['tcp://[::1]:9100?timeout=2000&keepAlive=false', { kind: 'tcp', host: '::1', port: 9100, timeoutMs: 2000, keepAlive: false }],
    [
      'serial:/dev/ttyUSB0?baudRate=38400&dataBits=7&parity=even&stopBits=2&flowControl=rtscts',
      { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 38400, dataBits: 7, parity: 'even', stopBits: 2, flowControl: 'rtscts' },
    ],
    ['serial:///dev/ttyS0', { kind: 'serial', path: '/dev/ttyS0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, flowControl: 'none' }],
    ['usb://04b8:0e15', { kind: 'usb', vendorId: 0x04b8, productId: 0x0e15 }],
    ['usb://04B8:0E15?serial=ABC123&profile=tm-t20', { kind: 'usb', vendorId: 0x04b8, productId: 0x0e15, serialNumber: 'ABC123', profile: 'tm-t20' }],
    ['usb://', { kind: 'usb' }],
    ['file:/dev/usb/lp0?profile=generic-58', { kind: 'file', path: '/dev/usb/lp0', profile: 'generic-58' }],
    ['memory:mem0', { kind: 'memory', name: 'mem0' }],
  ])('%s', (uri, expected) => {
    expect(parsePrinterUri(uri)).toEqual(expected);
  });

  it.each([
    ['', 'uri'],
    ['192.168.1.50:9100', 'scheme'],
    ['http://printer', 'scheme'],
    ['tcp://', 'host'],
    ['tcp:printer', 'host'],
    ['tcp://bad_host!:9100', 'host'],
    ['tcp://user@host', 'host'],
    ['tcp://::1:9100', 'host'],
    ['tcp://host:0', 'port'],
    ['tcp://host:70000', 'port'],
    ['tcp://host:91a0', 'port'],
    ['tcp://host/path', 'path'],
    ['tcp://host?keepAlive=maybe', 'keepAlive'],
    ['tcp://host?timeout=-1', 'timeout'],
    ['tcp://host?baudRate=9600', 'baudRate'],
    ['serial:', 'path'],
    ['serial:/dev/ttyUSB0?baudRate=fast', 'baudRate'],
    ['serial:/dev/ttyUSB0?dataBits=9', 'dataBits'],
    ['serial:/dev/ttyUSB0?parity=sometimes', 'parity'],
    ['serial:/dev/ttyUSB0?stopBits=3', 'stopBits'],
    ['serial:/dev/ttyUSB0?flowControl=dsrdtr', 'flowControl'],
    ['serial:/dev/ttyUSB0?baudRate=9600&baudRate=19200', 'baudRate'],
    ['serial:/dev/ttyUSB0?colour=red', 'colour'],
    ['usb://epson:0e15', 'vendorId'],
    ['usb://04b8', 'productId'],
    ['usb://04b8:10000', 'productId'],
    ['usb://04b8:0e15?serial=', 'serial'],
    ['usb:04b8:0e15', 'vendorId'],
    ['file:', 'path'],
    ['file:/dev/usb/lp0?timeout=abc', 'timeout'],
    ['memory:', 'name'],
    ['memory:a b', 'uri'],
    ['tcp://host;rm', 'host'],
    ['tcp://$(reboot)', 'host'],
  ])('rejects %j naming %s', (uri, part) => {
    let caught: unknown;
    try {
      parsePrinterUri(uri);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPrinterUriError);
    expect((caught as InvalidPrinterUriError).part).toBe(part);
    expect((caught as InvalidPrinterUriError).code).toBe('INVALID_PRINTER_URI');
  });
});

describe('formatPrinterUri', () => {
  it.each([
    'tcp://10.0.0.5:9100',
    'tcp://[::1]:9100?keepAlive=false&timeout=100',
    'serial:/dev/ttyUSB0?baudRate=38400&flowControl=xonxoff',
    'usb://04b8:0e15?serial=X%201',
    'usb://',
    'file:/dev/usb/lp0?profile=tm-t88',
    'memory:mem0',
  ])('round-trips %s', (uri) => {
    const target = parsePrinterUri(uri);
    expect(parsePrinterUri(formatPrinterUri(target))).toEqual(target);
  });

  it('writes the canonical form', () => {
    expect(formatPrinterUri(parsePrinterUri('tcp://host'))).toBe('tcp://host:9100');
    expect(formatPrinterUri(parsePrinterUri('usb://4B8:E15'))).toBe('usb://04b8:0e15');
    expect(formatPrinterUri(parsePrinterUri('serial:/dev/x?baudRate=9600'))).toBe('serial:/dev/x');
  });
});
