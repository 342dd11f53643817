import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { printerProfileSchema } from '../../src/escpos/profile-schema.js';
import { getProfile, profileForModel, profiles } from '../../src/escpos/profiles.js';
import { InvalidArgumentError } from '../../src/errors.js';

describe('printer profiles (data validated against the schema)', () => {
  it('has the required models', () => {
    expect(Object.keys(profiles).sort()).toEqual(['epson-tm-m30', 'epson-tm-t20', 'epson-tm-t88', 'generic-58', 'generic-80', 'star-escpos', 'xprinter-80'].sort());
  });

  for (const [name, profile] of Object.entries(profiles)) {
    it(`${name} matches the profile schema, its key and real iconv-lite encodings`, () => {
      expect(printerProfileSchema.parse(profile)).toEqual(profile);
      expect(profile.name).toBe(name);
      const escT = profile.codeTables.map((t) => t.escT);
      expect(new Set(escT).size).toBe(escT.length);
      for (const table of profile.codeTables) expect(iconv.encodingExists(table.encoding)).toBe(true);
    });
  }

  it('the schema rejects a misspelt key (the mistake RPE’s unvalidated JSON files made)', () => {
    const { maxBandRows, ...rest } = profiles['generic-80']!;
    expect(printerProfileSchema.safeParse({ ...rest, maxBandrows: maxBandRows }).success).toBe(false);
  });

  it('records the paper geometry of 80 mm and 58 mm printers', () => {
    expect(getProfile('epson-tm-t88')).toMatchObject({ dots: 576, columns: { A: 48, B: 64 }, confirmation: 'process-id' });
    expect(getProfile('generic-58')).toMatchObject({ dots: 384, columns: { A: 32, B: 42 }, confirmation: 'gs-r' });
    expect(getProfile('xprinter-80')).toMatchObject({ gb18030: true, confirmation: 'gs-r' });
    expect(getProfile('star-escpos').confirmation).toBe('gs-r');
  });

  it('getProfile names the known profiles when the name is unknown', () => {
    expect(() => getProfile('tm-x')).toThrow(InvalidArgumentError);
    expect(() => getProfile('tm-x')).toThrow(/known: .*epson-tm-t88.*xprinter-80/);
    expect(() => getProfile('toString')).toThrow(InvalidArgumentError);
  });

  it('profileForModel maps GS I model names, anything else to generic-80', () => {
    expect(profileForModel('TM-T88V').name).toBe('epson-tm-t88');
    expect(profileForModel('TM-T88VI').name).toBe('epson-tm-t88');
    expect(profileForModel('TM-T20II').name).toBe('epson-tm-t20');
    expect(profileForModel('TM-m30').name).toBe('epson-tm-m30');
    expect(profileForModel('TM-m30II-H').name).toBe('epson-tm-m30');
    expect(profileForModel('POS-80C').name).toBe('generic-80');
    expect(profileForModel(undefined).name).toBe('generic-80');
  });
});
