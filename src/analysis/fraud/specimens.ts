/**
 * Well-known specimen identities: the sample people printed on the specimen documents that issuers and
 * ICAO publish, and that fraudsters download and submit. Compiled from memory of the published specimens
 * (ICAO Doc 9303 examples, the German Bundesdruckerei "Erika Mustermann" cards, the UK Passport Office and
 * DVLA samples, the US Department of State passport sample, the Dutch and Spanish specimens) — extend it
 * as specimens are met. `imageHashes` is empty until specimen images are shipped; the matcher already reads
 * it.
 */
import type { Finding } from '../analyzer.ts';
import { parseDate, type DateInput } from '../match/dates.ts';
import { matchName, nameTokens } from '../match/names.ts';
import { hammingDistance, SAME_IMAGE_MAX_DISTANCE } from './perceptual-hash.ts';
import { normalizeDocumentNumber } from './viz-mrz.ts';

export interface KnownSpecimen {
  id: string;
  /** Where it is published. */
  source: string;
  surname: string;
  givenNames: string;
  documentNumbers: readonly string[];
  dateOfBirth: string | null;
  /**
   * The name alone identifies the specimen (no real person is likely to carry it): a match on name alone
   * flags the document. Otherwise the date of birth or the document number must match too.
   */
  nameIsConclusive: boolean;
  /** {@link perceptualHash} of published specimen images. */
  imageHashes: readonly string[];
}

export const KNOWN_SPECIMENS: readonly KnownSpecimen[] = [
  {
    id: 'icao-9303-td3',
    source: 'ICAO Doc 9303 Part 4, passport (TD3) example, issuing state Utopia',
    surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA',
    documentNumbers: ['L898902C3'],
    dateOfBirth: '1974-08-12',
    nameIsConclusive: false,
    imageHashes: [],
  },
  {
    id: 'icao-9303-td1-td2',
    source: 'ICAO Doc 9303 Parts 5 and 6, identity card (TD1, TD2) examples',
    surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA',
    documentNumbers: ['D23145890'],
    dateOfBirth: '1974-08-12',
    nameIsConclusive: false,
    imageHashes: [],
  },
  {
    id: 'icao-9303-mrv',
    source: 'ICAO Doc 9303 Part 7, visa (MRV-A) example',
    surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA',
    documentNumbers: ['L8988901C'],
    dateOfBirth: '1940-09-07',
    nameIsConclusive: false,
    imageHashes: [],
  },
  {
    id: 'de-mustermann',
    source: 'Bundesdruckerei / BMI specimens of the German identity card and passport',
    surname: 'MUSTERMANN',
    givenNames: 'ERIKA',
    documentNumbers: ['T22000129', 'L01X00T47', 'C01X00T47'],
    dateOfBirth: '1964-08-12',
    nameIsConclusive: true,
    imageHashes: [],
  },
  {
    id: 'gb-passport',
    source: 'HM Passport Office specimen passport',
    surname: 'UK SPECIMEN',
    givenNames: 'ANGELA ZOE',
    documentNumbers: [],
    dateOfBirth: null,
    nameIsConclusive: true,
    imageHashes: [],
  },
  {
    id: 'gb-driving-licence',
    source: 'DVLA sample photocard driving licence',
    surname: 'MORGAN',
    givenNames: 'SARAH MEREDITH',
    documentNumbers: ['MORGA753116SM9IJ'],
    dateOfBirth: '1976-03-11',
    nameIsConclusive: false,
    imageHashes: [],
  },
  {
    id: 'us-passport',
    source: 'US Department of State sample passport data page',
    surname: 'TRAVELER',
    givenNames: 'HAPPY',
    documentNumbers: [],
    dateOfBirth: null,
    nameIsConclusive: true,
    imageHashes: [],
  },
  // JOHN and JANE DOE are the placeholders of countless US samples (driver licences, passport cards).
  // Real holders of these exact names exist but are far rarer than submissions of the samples.
  {
    id: 'us-john-doe',
    source: 'US sample documents (placeholder name)',
    surname: 'DOE',
    givenNames: 'JOHN',
    documentNumbers: [],
    dateOfBirth: null,
    nameIsConclusive: true,
    imageHashes: [],
  },
  {
    id: 'us-jane-doe',
    source: 'US sample documents (placeholder name)',
    surname: 'DOE',
    givenNames: 'JANE',
    documentNumbers: [],
    dateOfBirth: null,
    nameIsConclusive: true,
    imageHashes: [],
  },
  {
    id: 'nl-de-bruijn',
    source: 'Rijksdienst voor Identiteitsgegevens specimen passport and identity card',
    surname: 'DE BRUIJN',
    givenNames: 'WILLEKE LISELOTTE',
    documentNumbers: ['SPECI2014', 'SPECI2021'],
    dateOfBirth: '1965-03-10',
    nameIsConclusive: false,
    imageHashes: [],
  },
  {
    id: 'es-dni',
    source: 'Policía Nacional specimen DNI',
    surname: 'ESPAÑOLA ESPAÑOLA',
    givenNames: 'CARMEN',
    documentNumbers: ['99999999R'],
    dateOfBirth: null,
    nameIsConclusive: true,
    imageHashes: [],
  },
];

/** ICAO's fictitious issuing state: documents "issued" by Utopia are specimens by definition. */
const SPECIMEN_STATES = new Set(['UTO']);
/** Name tokens no real document carries. */
const SPECIMEN_NAME_TOKENS = new Set(['SPECIMEN', 'MUSTERMANN', 'MUSTERFRAU']);

export interface SpecimenFields {
  surname?: string | null;
  givenNames?: string | null;
  documentNumber?: string | null;
  dateOfBirth?: DateInput;
  /** MRZ issuing state (or nationality) code. */
  issuingState?: string | null;
  nationality?: string | null;
  /** {@link perceptualHash} of the document image. */
  imageHash?: string | null;
}

export interface SpecimenMatch {
  /** The specimen matched, or null for a rule that names none (Utopia, a `SPECIMEN` name). */
  specimen: KnownSpecimen | null;
  /** `document-number`, `name`, `name-and-date-of-birth`, `image`, `specimen-state`, `specimen-name`. */
  reason: string;
}

/** The first specimen rule the fields meet, or null for an ordinary document. */
export function findSpecimen(
  fields: SpecimenFields,
  specimens: readonly KnownSpecimen[] = KNOWN_SPECIMENS,
): SpecimenMatch | null {
  const states = [fields.issuingState, fields.nationality].map((s) =>
    (s ?? '').replace(/</g, '').toUpperCase(),
  );
  if (states.some((s) => SPECIMEN_STATES.has(s))) return { specimen: null, reason: 'specimen-state' };
  const tokens = [...nameTokens(fields.surname), ...nameTokens(fields.givenNames)].map((t) => t[0]);
  if (tokens.some((t) => t !== undefined && SPECIMEN_NAME_TOKENS.has(t))) {
    return { specimen: null, reason: 'specimen-name' };
  }
  const number = normalizeDocumentNumber(fields.documentNumber);
  const dob = parseDate(fields.dateOfBirth);
  for (const specimen of specimens) {
    if (number && specimen.documentNumbers.some((n) => normalizeDocumentNumber(n) === number)) {
      return { specimen, reason: 'document-number' };
    }
    if (fields.imageHash && specimen.imageHashes.some((h) => sameHash(h, fields.imageHash as string))) {
      return { specimen, reason: 'image' };
    }
    const sameName =
      matchName(specimen.surname, fields.surname, 2).matched &&
      matchName(specimen.givenNames, fields.givenNames, 2).matched;
    if (sameName && specimen.nameIsConclusive) return { specimen, reason: 'name' };
    if (sameName && dob && dob === specimen.dateOfBirth)
      return { specimen, reason: 'name-and-date-of-birth' };
  }
  return null;
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && hammingDistance(a, b) <= SAME_IMAGE_MAX_DISTANCE;
}

/** `isPublishedOnline` finding: failed with reason `specimen` when the document is a known specimen. */
export function isKnownSpecimen(fields: SpecimenFields): Finding {
  const match = findSpecimen(fields);
  return { name: 'isPublishedOnline', failed: match !== null, reason: match ? 'specimen' : null };
}
