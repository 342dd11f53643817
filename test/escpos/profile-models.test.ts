/** profileForModel for Xprinter model names as they report them in GS I 67. */
import { describe, expect, it } from 'vitest';
import { profileForModel } from '../../src/escpos/profiles.js';

describe('profileForModel: Xprinter models', () => {
  it('80 mm Xprinter models get xprinter-80', () => {
    for (const model of ['XP-80', 'XP-80C', 'XP-N160II', 'XP-Q200', 'xp-q260h', ' XP-T80Q ', 'Xprinter XP-80']) {
      expect(profileForModel(model).name, model).toBe('xprinter-80');
    }
  });

  it('the 58 mm XP-58 family gets generic-58, with GB18030 when the printer reports a Chinese font', () => {
    expect(profileForModel('XP-58IIH').name).toBe('generic-58');
    expect(profileForModel('XP-58', 'CHINA GB18030').name).toBe('generic-58-gb18030');
  });

  it('xprinter-80 already has GB18030: a Chinese language keeps it; names merely containing "XP-" elsewhere do not match', () => {
    expect(profileForModel('XP-80', 'CHINA GB18030').name).toBe('xprinter-80');
    expect(profileForModel('ABCXP-80').name).toBe('generic-80');
    expect(profileForModel('TM-T88V').name).toBe('epson-tm-t88');
  });
});
