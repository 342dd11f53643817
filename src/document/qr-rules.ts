/** QR code capacity by data mode (ISO/IEC 18004 table 7, version 40); pure, no zod, so the encoder can use it. */
import { QR_CAPACITY } from './limits.js';
import { utf8Length } from './text-rules.js';

/** Why `data` does not fit a QR code at `level`, or `undefined` when it does. */
export function qrCapacityProblem(data: string, level: keyof typeof QR_CAPACITY): string | undefined {
  const capacity = QR_CAPACITY[level];
  if (/^[0-9]*$/.test(data)) return data.length > capacity.numeric ? `too long for a QR code at level ${level} (max ${capacity.numeric} digits)` : undefined;
  if (/^[0-9A-Z $%*+\-./:]*$/.test(data)) {
    return data.length > capacity.alphanumeric ? `too long for a QR code at level ${level} (max ${capacity.alphanumeric} characters)` : undefined;
  }
  const bytes = utf8Length(data);
  return bytes > capacity.byte ? `too long for a QR code at level ${level} (max ${capacity.byte} UTF-8 bytes)` : undefined;
}
