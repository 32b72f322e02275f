import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { duplicateSignal, type KnownDocument } from '../../src/analysis/fraud/duplicates.ts';
import { editingSoftwareSignal } from '../../src/analysis/fraud/editing-software.ts';
import {
  hammingDistance,
  perceptualHash,
  SAME_IMAGE_MAX_DISTANCE,
} from '../../src/analysis/fraud/perceptual-hash.ts';
import { colourStats, isPhotocopySignal, PHOTOCOPY_MAX_SPREAD } from '../../src/analysis/fraud/photocopy.ts';
import { signalFinding } from '../../src/analysis/fraud/signal.ts';
import { findSpecimen, isKnownSpecimen, KNOWN_SPECIMENS } from '../../src/analysis/fraud/specimens.ts';
import { normalizeDocumentNumber, vizMrzMismatch } from '../../src/analysis/fraud/viz-mrz.ts';

/** A passport-like data page: coloured band, guilloche waves, portrait, text, MRZ. */
function documentSvg(background: string, accent: string): Buffer {
  const waves = Array.from(
    { length: 12 },
    (_, i) =>
      `<path d="M0 ${40 + i * 45} Q 220 ${i * 45 - 30} 440 ${40 + i * 45} T 880 ${40 + i * 45}" stroke="${accent}" stroke-opacity="0.35" fill="none" stroke-width="3"/>`,
  ).join('');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="880" height="620">
    <rect width="880" height="620" fill="${background}"/>${waves}
    <rect x="0" y="0" width="880" height="90" fill="${accent}"/>
    <rect x="40" y="140" width="220" height="290" fill="#8a6e5a"/><circle cx="150" cy="240" r="60" fill="#e0b896"/>
    <text x="300" y="200" font-size="36" font-family="sans-serif" fill="#222">ERIKSSON</text>
    <text x="300" y="260" font-size="30" font-family="sans-serif" fill="#222">ANNA MARIA</text>
    <text x="40" y="540" font-size="32" font-family="monospace" fill="#111">P&lt;UTOERIKSSON&lt;&lt;ANNA&lt;MARIA</text>
  </svg>`);
}

/** An unrelated picture: a landscape of large coloured shapes. */
const landscapeSvg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">
  <rect width="800" height="600" fill="#87ceeb"/><circle cx="650" cy="120" r="80" fill="#ffd700"/>
  <path d="M0 420 L200 220 L380 420 Z" fill="#556b2f"/><path d="M260 420 L520 160 L800 420 Z" fill="#6b8e23"/>
  <rect x="0" y="420" width="800" height="180" fill="#2e8b57"/></svg>`);

/** A different document layout: portrait on the right, vertical bands. */
const cardSvg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="856" height="540">
  <rect width="856" height="540" fill="#fdf6e3"/>
  ${Array.from({ length: 8 }, (_, i) => `<rect x="${i * 60}" y="0" width="24" height="540" fill="#d33682" fill-opacity="0.25"/>`).join('')}
  <rect x="580" y="60" width="230" height="300" fill="#333"/><circle cx="695" cy="170" r="70" fill="#c9a27e"/>
  <text x="40" y="460" font-size="48" font-family="serif" fill="#073642">MUSTERMANN ERIKA</text></svg>`);

const images: Record<string, Buffer> = {};

beforeAll(async () => {
  const colour = await sharp(documentSvg('#e6f0e8', '#2a5db0')).jpeg({ quality: 85 }).toBuffer();
  images.colour = colour;
  images.pale = await sharp(documentSvg('#f4f1ea', '#b8c4d6')).jpeg({ quality: 85 }).toBuffer();
  images.grey = await sharp(colour).greyscale().jpeg({ quality: 70 }).toBuffer();
  images.greyPng = await sharp(colour).toColourspace('b-w').png().toBuffer();
  images.tinted = await sharp(colour)
    .greyscale()
    .toColourspace('srgb')
    .tint('#e8c89a')
    .jpeg({ quality: 60 })
    .toBuffer();
  images.washedOut = await sharp(colour).modulate({ saturation: 0.04 }).jpeg({ quality: 80 }).toBuffer();
  images.smallJpeg = await sharp(colour).resize(300).jpeg({ quality: 40 }).toBuffer();
  images.largePng = await sharp(colour).resize(1600).png().toBuffer();
  images.webp = await sharp(colour).resize(640).webp({ quality: 50 }).toBuffer();
  images.brighter = await sharp(colour).modulate({ brightness: 1.15 }).jpeg().toBuffer();
  images.landscape = await sharp(landscapeSvg).png().toBuffer();
  images.card = await sharp(cardSvg).jpeg().toBuffer();
  images.flipped = await sharp(colour).flop().jpeg().toBuffer();
});

describe('photocopy (colourfulness)', () => {
  it.each([
    ['colour', false, null],
    ['pale', false, null],
    ['grey', true, 'no-colour'],
    ['greyPng', true, 'grayscale'],
    ['tinted', true, 'no-colour'],
    ['washedOut', true, 'no-colour'],
    ['landscape', false, null],
  ])('%s → photocopy %s', async (name, detected, reason) => {
    const stats = await colourStats(images[name] as Buffer);
    expect(isPhotocopySignal(stats)).toEqual({ detected, reason });
  });

  it('ignores a uniform colour cast but not colour variation', async () => {
    const tinted = await colourStats(images.tinted as Buffer);
    const colour = await colourStats(images.colour as Buffer);
    expect(tinted.spread).toBeLessThan(PHOTOCOPY_MAX_SPREAD);
    expect(colour.spread).toBeGreaterThan(3 * PHOTOCOPY_MAX_SPREAD);
    expect(colour.colourfulness).toBeGreaterThan(colour.spread);
  });

  it('decides from plain numbers', () => {
    expect(isPhotocopySignal({ channels: 1, spread: 50 })).toEqual({ detected: true, reason: 'grayscale' });
    expect(isPhotocopySignal({ channels: 2, spread: 0 })).toEqual({ detected: true, reason: 'grayscale' });
    expect(isPhotocopySignal({ channels: 3, spread: PHOTOCOPY_MAX_SPREAD - 0.1 }).detected).toBe(true);
    expect(isPhotocopySignal({ channels: 3, spread: PHOTOCOPY_MAX_SPREAD }).detected).toBe(false);
    expect(isPhotocopySignal({ channels: 4, spread: 30 }).detected).toBe(false);
    expect(isPhotocopySignal({ channels: 3, spread: 12 }, 15).detected).toBe(true);
  });
});

describe('perceptualHash', () => {
  it('is 16 hex digits and stable', async () => {
    const a = await perceptualHash(images.colour as Buffer);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await perceptualHash(images.colour as Buffer)).toBe(a);
  });

  it.each(['smallJpeg', 'largePng', 'webp', 'brighter', 'grey', 'tinted'])(
    'stays within the same-image distance when %s',
    async (variant) => {
      const original = await perceptualHash(images.colour as Buffer);
      const copy = await perceptualHash(images[variant] as Buffer);
      expect(hammingDistance(original, copy)).toBeLessThanOrEqual(SAME_IMAGE_MAX_DISTANCE);
    },
  );

  it.each(['landscape', 'card', 'flipped'])('is far from a different picture (%s)', async (other) => {
    const original = await perceptualHash(images.colour as Buffer);
    const different = await perceptualHash(images[other] as Buffer);
    expect(hammingDistance(original, different)).toBeGreaterThan(3 * SAME_IMAGE_MAX_DISTANCE);
  });

  it.each([
    ['0000000000000000', '0000000000000000', 0],
    ['0000000000000000', 'ffffffffffffffff', 64],
    ['0000000000000001', '0000000000000000', 1],
    ['f0f0f0f0f0f0f0f0', '0f0f0f0f0f0f0f0f', 64],
    ['8000000000000001', '0000000000000000', 2],
  ])('hammingDistance(%s, %s) = %i', (a, b, d) => {
    expect(hammingDistance(a, b)).toBe(d);
  });

  it('refuses hashes of different lengths', () => {
    expect(() => hammingDistance('00', '0000')).toThrow(RangeError);
  });
});

describe('editingSoftwareSignal', () => {
  it.each([
    [{ Image: { Software: 'Adobe Photoshop 25.1 (Macintosh)' } }, 'Adobe Photoshop'],
    [{ Image: { Software: 'GIMP 2.10.36' } }, 'GIMP'],
    [{ Image: { Software: 'Pixelmator Pro 3.5' } }, 'Pixelmator'],
    [{ Image: { Software: 'Snapseed 2.0' } }, 'Snapseed'],
    [{ Image: { ProcessingSoftware: 'Canva' } }, 'Canva'],
    [{ Image: { Software: 'Affinity Photo 2' } }, 'Affinity'],
    [{ Image: { Software: 'Adobe Photoshop Lightroom Classic 13.0' } }, 'Adobe Photoshop'],
    [{ Image: { Software: 'Adobe Lightroom 7.0' } }, 'Adobe Lightroom'],
    [{ Image: { Software: 'paint.net 5.0' } }, 'Paint.NET'],
    [{ Software: 'PicsArt' }, 'PicsArt'],
    [{ xmp: { CreatorTool: 'Photopea' } }, 'Photopea'],
    [{ xmp: { HistorySoftwareAgent: ['Apple iPhone', 'Adobe Photoshop 24.0'] } }, 'Adobe Photoshop'],
  ])('%o → %s', (metadata, software) => {
    expect(editingSoftwareSignal(metadata)).toEqual({ detected: true, reason: 'editing-software', software });
  });

  it.each([
    [{ Image: { Software: '17.4.1', Make: 'Apple', Model: 'iPhone 15' } }],
    [{ Image: { Software: 'G998BXXU5CWA1' } }],
    [{ Image: { Software: 'ImageMagick 7.1.1' } }],
    [{ Image: { Software: 'libvips 8.15' } }],
    [{ Image: { Make: 'Photoshop' } }],
    [{ Image: { ImageDescription: 'edited in GIMP' } }],
    [{}],
    [null],
    [undefined],
  ])('%o → no signal', (metadata) => {
    expect(editingSoftwareSignal(metadata)).toEqual({ detected: false, reason: null, software: null });
  });

  it('folds into an isTampered finding', () => {
    const signal = editingSoftwareSignal({ Image: { Software: 'GIMP' } });
    expect(signalFinding('isTampered', signal)).toEqual({
      name: 'isTampered',
      failed: true,
      reason: 'editing-software',
    });
    expect(signalFinding('isTampered', editingSoftwareSignal(null))).toEqual({
      name: 'isTampered',
      failed: false,
      reason: null,
    });
  });
});

describe('vizMrzMismatch', () => {
  const mrz = {
    surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA',
    dateOfBirth: '1974-08-12',
    expirationDate: '2032-04-15',
    documentNumber: 'L898902C3',
    sex: 'F',
  };

  it.each([
    ['the same fields', { ...mrz }, []],
    ['printed with accents', { ...mrz, surname: 'Eriksson', givenNames: 'Anna María' }, []],
    ['spaces in the number', { documentNumber: 'L 898902 C3' }, []],
    ['sex written out', { sex: 'female' }, []],
    ['fields the printed zone did not give', { surname: null, givenNames: '' }, []],
    ['another surname', { surname: 'ANDERSSON' }, ['surname']],
    ['another given name', { givenNames: 'ANNA MARTA' }, ['givenNames']],
    ['another date of birth', { dateOfBirth: '1974-08-13' }, ['dateOfBirth']],
    ['another expiry', { expirationDate: '2034-04-15' }, ['expirationDate']],
    ['another number', { documentNumber: 'L898902C4' }, ['documentNumber']],
    ['another sex', { sex: 'M' }, ['sex']],
    ['several', { surname: 'SMITH', dateOfBirth: '1980-01-01' }, ['surname', 'dateOfBirth']],
  ])('%s → %o', (_title, viz, fields) => {
    const signal = vizMrzMismatch(viz, mrz);
    expect(signal.fields).toEqual(fields);
    expect(signal.detected).toBe(fields.length > 0);
    expect(signal.reason).toBe(fields.length > 0 ? 'viz-mrz-mismatch' : null);
  });

  it('compares names with the same transliteration', () => {
    expect(vizMrzMismatch({ surname: 'MÜLLER' }, { surname: 'MUELLER' }).detected).toBe(false);
    expect(vizMrzMismatch({ surname: 'GARCÍA-LÓPEZ' }, { surname: 'GARCIA<LOPEZ' }).detected).toBe(false);
    expect(vizMrzMismatch({ surname: "O'BRIEN" }, { surname: 'OBRIEN' }).detected).toBe(false);
    expect(vizMrzMismatch({ surname: 'ØSTER' }, { surname: 'OESTER' }).detected).toBe(false);
    expect(vizMrzMismatch({ surname: 'MÜLLER' }, { surname: 'MILLER' }).detected).toBe(true);
  });

  it('accepts a truncated MRZ given name when told the field is full', () => {
    const viz = { givenNames: 'HUBERT BLAINE CHARLES' };
    const truncated = { givenNames: 'HUBERT BLAINE CH' };
    expect(vizMrzMismatch(viz, truncated).fields).toEqual(['givenNames']);
    expect(vizMrzMismatch(viz, truncated, { mrzTruncated: true }).fields).toEqual([]);
  });

  it('forgives an OCR slip in the printed name only at a lenient level', () => {
    const viz = { surname: 'ERIKSS0N' };
    expect(vizMrzMismatch(viz, mrz).fields).toEqual(['surname']);
    expect(vizMrzMismatch({ surname: 'ERIKSSN' }, mrz, { matchLevel: 1 }).fields).toEqual([]);
  });

  it('normalizes document numbers', () => {
    expect(normalizeDocumentNumber(' l898-902<c3 ')).toBe('L898902C3');
    expect(normalizeDocumentNumber(null)).toBe('');
  });
});

describe('known specimens', () => {
  it.each([
    [
      'the ICAO TD3 passport by number',
      { documentNumber: 'L898902C3', issuingState: 'XYZ' },
      'document-number',
    ],
    ['the ICAO TD1 card by number', { documentNumber: 'D23145890' }, 'document-number'],
    ['Utopia as issuing state', { surname: 'SMITH', issuingState: 'UTO' }, 'specimen-state'],
    ['Utopia as nationality', { nationality: 'UTO' }, 'specimen-state'],
    ['Utopia padded', { issuingState: 'UTO<' }, 'specimen-state'],
    [
      'ERIKSSON ANNA MARIA with the specimen date of birth',
      { surname: 'Eriksson', givenNames: 'Anna Maria', dateOfBirth: '1974-08-12' },
      'name-and-date-of-birth',
    ],
    ['ERIKA MUSTERMANN', { surname: 'Mustermann', givenNames: 'Erika' }, 'specimen-name'],
    ['the German ID number', { documentNumber: 'T22000129' }, 'document-number'],
    ['ANGELA ZOE UK SPECIMEN', { surname: 'UK SPECIMEN', givenNames: 'ANGELA ZOE' }, 'specimen-name'],
    ['HAPPY TRAVELER', { surname: 'Traveler', givenNames: 'Happy' }, 'name'],
    ['JOHN DOE', { surname: 'DOE', givenNames: 'JOHN' }, 'name'],
    ['JANE DOE', { surname: 'Doe', givenNames: 'Jane' }, 'name'],
    ['the DVLA sample licence', { documentNumber: 'MORGA753116SM9IJ' }, 'document-number'],
    ['the Dutch specimen', { documentNumber: 'SPECI2014' }, 'document-number'],
    ['CARMEN ESPAÑOLA ESPAÑOLA', { surname: 'ESPANOLA ESPANOLA', givenNames: 'CARMEN' }, 'name'],
  ])('flags %s', (_title, fields, reason) => {
    expect(findSpecimen(fields)?.reason).toBe(reason);
    expect(isKnownSpecimen(fields)).toEqual({ name: 'isPublishedOnline', failed: true, reason: 'specimen' });
  });

  it.each([
    [
      'an ordinary document',
      { surname: 'SMITH', givenNames: 'JOHN', documentNumber: 'X1234567', issuingState: 'USA' },
    ],
    [
      'ANNA MARIA ERIKSSON born on another day',
      { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', dateOfBirth: '1980-01-01' },
    ],
    [
      'SARAH MEREDITH MORGAN with another number',
      { surname: 'MORGAN', givenNames: 'SARAH MEREDITH', documentNumber: 'MORGA801234SM9AB' },
    ],
    ['JOHN DOERING', { surname: 'DOERING', givenNames: 'JOHN' }],
    ['nothing read', {}],
  ])('does not flag %s', (_title, fields) => {
    expect(findSpecimen(fields)).toBe(null);
    expect(isKnownSpecimen(fields)).toEqual({ name: 'isPublishedOnline', failed: false, reason: null });
  });

  it('matches by image hash when a specimen image is known', async () => {
    const specimenHash = await perceptualHash(images.colour as Buffer);
    const list = [{ ...KNOWN_SPECIMENS[0]!, imageHashes: [specimenHash] }];
    const recompressed = await perceptualHash(images.smallJpeg as Buffer);
    const unrelated = await perceptualHash(images.landscape as Buffer);
    expect(findSpecimen({ imageHash: recompressed }, list)?.reason).toBe('image');
    expect(findSpecimen({ imageHash: unrelated }, list)).toBe(null);
  });

  it('documents every specimen with an id and a source', () => {
    const ids = KNOWN_SPECIMENS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of KNOWN_SPECIMENS) {
      expect(s.source.length).toBeGreaterThan(10);
      expect(s.nameIsConclusive || s.documentNumbers.length > 0 || s.dateOfBirth !== null).toBe(true);
    }
  });
});

describe('duplicateSignal', () => {
  const hashA = 'f0e1d2c3b4a59687';
  const hashNearA = 'f0e1d2c3b4a59686'; // 1 bit
  const hashB = '0f1e2d3c4b5a6978';
  const current: KnownDocument = {
    customerId: 'cus_1',
    documentNumber: 'L898902C3',
    imageHash: hashA,
    issuingState: 'SWE',
  };

  it.each<[string, KnownDocument[], boolean, string | null, string[]]>([
    ['no other documents', [], false, null, []],
    [
      'the same customer retrying',
      [{ customerId: 'cus_1', documentNumber: 'L898902C3', imageHash: hashA }],
      false,
      null,
      [],
    ],
    [
      'another customer, same number',
      [{ customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: hashB }],
      true,
      'same-document-number',
      ['cus_2'],
    ],
    [
      'another customer, same number spaced',
      [{ customerId: 'cus_2', documentNumber: 'l 898902 c3', imageHash: null }],
      true,
      'same-document-number',
      ['cus_2'],
    ],
    [
      'same number, same state by another code',
      [{ customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: null, issuingState: 'SE' }],
      true,
      'same-document-number',
      ['cus_2'],
    ],
    [
      'same number, another issuing state',
      [{ customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: null, issuingState: 'NOR' }],
      false,
      null,
      [],
    ],
    [
      'another customer, near-identical image',
      [{ customerId: 'cus_3', documentNumber: 'X0000001', imageHash: hashNearA }],
      true,
      'same-image',
      ['cus_3'],
    ],
    [
      'another customer, different image and number',
      [{ customerId: 'cus_4', documentNumber: 'X0000001', imageHash: hashB }],
      false,
      null,
      [],
    ],
    [
      'both, from several customers',
      [
        { customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: null },
        { customerId: 'cus_3', documentNumber: null, imageHash: hashA },
        { customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: hashA },
      ],
      true,
      'same-document-number',
      ['cus_2', 'cus_3'],
    ],
  ])('%s', (_title, others, detected, reason, customerIds) => {
    expect(duplicateSignal(current, others)).toEqual({ detected, reason, customerIds });
  });

  it('ignores very short numbers and missing values', () => {
    const short = { customerId: 'cus_1', documentNumber: '123', imageHash: null };
    expect(
      duplicateSignal(short, [{ customerId: 'cus_2', documentNumber: '123', imageHash: null }]).detected,
    ).toBe(false);
    const empty = { customerId: 'cus_1', documentNumber: null, imageHash: null };
    expect(
      duplicateSignal(empty, [{ customerId: 'cus_2', documentNumber: null, imageHash: null }]).detected,
    ).toBe(false);
  });

  it('takes the image distance as an option', () => {
    const others = [{ customerId: 'cus_2', documentNumber: null, imageHash: hashNearA }];
    expect(duplicateSignal(current, others, { maxImageDistance: 0 }).detected).toBe(false);
    expect(duplicateSignal(current, others, { maxImageDistance: 1 }).detected).toBe(true);
  });

  it('folds into an isPublishedOnline finding', () => {
    const signal = duplicateSignal(current, [
      { customerId: 'cus_2', documentNumber: 'L898902C3', imageHash: null },
    ]);
    expect(signalFinding('isPublishedOnline', signal)).toEqual({
      name: 'isPublishedOnline',
      failed: true,
      reason: 'same-document-number',
    });
  });
});
