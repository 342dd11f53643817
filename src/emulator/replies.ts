/** Reply frames of the printer (reference 1.4–1.6), built from the model's identity. */

export interface PrinterIdentity {
  /** GS I 66. */
  maker: string;
  /** GS I 67, e.g. `TM-T88V`. */
  model: string;
  /** GS I 68. */
  serial: string;
  /** GS I 65. */
  firmware: string;
  /** GS I 69, e.g. `CHINA GB18030` on a Chinese-market model; empty (an empty block) without a multilingual font. */
  language: string;
  /** GS I 1 (pattern 0**0****). */
  modelId: number;
  /** GS I 2: bit 0 multi-byte characters, bit 1 autocutter. */
  typeId: number;
  /** GS I 3. */
  romVersionId: number;
}

/** An ordinary (not Chinese-market) TM-T88V: no multi-byte font, autocutter fitted. */
export const DEFAULT_IDENTITY: PrinterIdentity = {
  maker: 'EPSON',
  model: 'TM-T88V',
  serial: 'VP0000000001',
  firmware: '30.01 ESC/POS',
  language: '',
  modelId: 0x20,
  typeId: 0x02,
  romVersionId: 0x01,
};

/** One-byte GS I replies keep bit 4 and bit 7 clear so a host can tell them apart. */
const oneByte = (value: number): Uint8Array => Uint8Array.of(value & 0x6f);

const block = (header: number, payload: Uint8Array): Uint8Array => Uint8Array.of(header, ...payload, 0x00);

/** Reply to `GS I n`, or undefined when this model has nothing for n. */
export function printerInfoReply(n: number, id: PrinterIdentity): Uint8Array | undefined {
  const ascii = (text: string) => block(0x5f, Buffer.from(text, 'latin1'));
  switch (n) {
    case 1:
    case 49:
      return oneByte(id.modelId);
    case 2:
    case 50:
      return oneByte(id.typeId);
    case 3:
    case 51:
      return oneByte(id.romVersionId);
    case 33:
      // Printer information A, n = 33: `3D 21 d1 d2 00`, each data byte bit 6 set and bit 7 clear;
      // d1 bit 1 = autocutter fitted, as GS I 2 (typeId bit 1) says (TM-U230: `3D 21 42 40 00`).
      return Uint8Array.of(0x3d, 0x21, 0x40 | (id.typeId & 0x02), 0x40, 0x00);
    case 65:
      return ascii(id.firmware);
    case 66:
      return ascii(id.maker);
    case 67:
      return ascii(id.model);
    case 68:
      return ascii(id.serial);
    case 69:
      return ascii(id.language);
    default:
      return undefined;
  }
}

export const processIdReply = (id: Uint8Array): Uint8Array => Uint8Array.of(0x37, 0x22, ...id, 0x00);
export const OFFLINE_RESPONSE = Uint8Array.of(0x37, 0x23, 0x00);
export const CLEAR_RESPONSE = Uint8Array.of(0x37, 0x25, 0x00);
/** The key that must follow `DLE DC4 08` for the clear to execute. */
export const CLEAR_KEY = [0x01, 0x03, 0x14, 0x01, 0x06, 0x02, 0x08];
