/**
 * Editing software in image metadata: EXIF `Software`/`ProcessingSoftware` (IFD0), XMP `CreatorTool`.
 * A camera writes its firmware or OS version there; an editor writes its own name. A document photo that
 * passed through an image editor is a tamper signal, not proof (people crop in Snapseed); its weight is the
 * organization's choice. Converters and libraries (ImageMagick, libvips, sharp) are not editors and are
 * ignored: servers and our own pipeline use them.
 */
import type { FraudSignal } from './signal.ts';

/** Editors by the name they write, tested as case-insensitive patterns. */
export const EDITING_SOFTWARE: readonly { name: string; pattern: RegExp }[] = [
  { name: 'Adobe Photoshop', pattern: /photoshop/i },
  { name: 'Adobe Lightroom', pattern: /lightroom/i },
  { name: 'Adobe Illustrator', pattern: /illustrator/i },
  { name: 'Adobe Express', pattern: /adobe express/i },
  { name: 'GIMP', pattern: /\bgimp\b/i },
  { name: 'Pixelmator', pattern: /pixelmator/i },
  { name: 'Snapseed', pattern: /snapseed/i },
  { name: 'Canva', pattern: /\bcanva\b/i },
  { name: 'Affinity', pattern: /affinity (photo|designer)|serif affinity/i },
  { name: 'Photopea', pattern: /photopea/i },
  { name: 'Paint.NET', pattern: /paint\.net/i },
  { name: 'PaintShop Pro', pattern: /paint ?shop/i },
  { name: 'CorelDRAW', pattern: /corel/i },
  { name: 'Krita', pattern: /\bkrita\b/i },
  { name: 'Inkscape', pattern: /inkscape/i },
  { name: 'PicsArt', pattern: /picsart/i },
  { name: 'Pixlr', pattern: /pixlr/i },
  { name: 'Fotor', pattern: /\bfotor\b/i },
  { name: 'PhotoScape', pattern: /photoscape/i },
  { name: 'PhotoDirector', pattern: /photodirector/i },
  { name: 'Luminar', pattern: /luminar/i },
  { name: 'Facetune', pattern: /facetune/i },
  { name: 'Meitu', pattern: /meitu/i },
  { name: 'Polarr', pattern: /polarr/i },
  { name: 'VSCO', pattern: /\bvsco\b/i },
  { name: 'Acorn', pattern: /^acorn\b/i },
];

/** The metadata keys that name software, in EXIF (exif-reader groups) and XMP. */
const SOFTWARE_KEYS = ['Software', 'ProcessingSoftware', 'CreatorTool', 'HistorySoftwareAgent'];

/**
 * Metadata as exif-reader returns it (`{ Image: { Software }, … }`), or flat (`{ Software, CreatorTool }`);
 * arrays of strings (XMP history) are read too.
 */
export type ImageMetadata = Record<string, unknown>;

function softwareValues(metadata: ImageMetadata, depth = 0): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (SOFTWARE_KEYS.includes(key)) {
      if (typeof value === 'string') out.push(value);
      else if (Array.isArray(value)) out.push(...value.filter((v): v is string => typeof v === 'string'));
    } else if (
      depth < 2 &&
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      !Buffer.isBuffer(value)
    ) {
      out.push(...softwareValues(value as ImageMetadata, depth + 1));
    }
  }
  return out;
}

export interface EditingSoftwareSignal extends FraudSignal {
  /** The editor found, e.g. `Adobe Photoshop`; null when none. */
  software: string | null;
}

/** Editing-software signal (reason `editing-software`) from image metadata; no metadata, no signal. */
export function editingSoftwareSignal(metadata: ImageMetadata | null | undefined): EditingSoftwareSignal {
  if (!metadata) return { detected: false, reason: null, software: null };
  for (const value of softwareValues(metadata)) {
    const editor = EDITING_SOFTWARE.find((e) => e.pattern.test(value));
    if (editor) return { detected: true, reason: 'editing-software', software: editor.name };
  }
  return { detected: false, reason: null, software: null };
}
