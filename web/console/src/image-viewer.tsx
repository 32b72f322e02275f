/**
 * The document's files and the crops the analysis kept, fetched with the session token and shown from
 * object URLs. The large view zooms (`+`, `-`, `0`) and rotates (`o`), by buttons or keys.
 */
import { useEffect, useState } from 'preact/hooks';
import { blobUrl, get, q, type FileInfo } from './api.ts';
import { humanize } from './format.ts';
import { useShortcuts } from './shortcuts.ts';

export interface Picture {
  key: string;
  label: string;
  path: string;
}

interface Loaded extends Picture {
  url: string | null;
  type: string;
  failed: boolean;
}

const ZOOM_STEP = 1.25;
const MAX_ZOOM = 8;
const MIN_ZOOM = 0.25;

function fileLabel(file: FileInfo): string {
  const tag = file.tags.find((t) => ['id-front', 'id-back', 'face-proof'].includes(t));
  const names: Record<string, string> = { 'id-front': 'Front', 'id-back': 'Back', 'face-proof': 'Selfie' };
  return tag ? names[tag]! : file.name;
}

/** The pictures of a document: its files (labelled by tag), then the analysis crops. */
export async function documentPictures(
  documentId: string,
  fileIds: string[],
  artifacts: { name: string }[],
): Promise<Picture[]> {
  const files = await Promise.all(fileIds.map((id) => get<FileInfo>(`/files/${q(id)}`).catch(() => null)));
  const pictures: Picture[] = files.map((file, i) => ({
    key: fileIds[i]!,
    label: file ? fileLabel(file) : `File ${i + 1}`,
    path: `/files/${q(fileIds[i]!)}/download`,
  }));
  for (const artifact of artifacts) {
    pictures.push({
      key: `artifact:${artifact.name}`,
      label: `Crop: ${humanize(artifact.name.replace(/\.\w+$/, ''))}`,
      path: `/kyc-documents/${q(documentId)}/evidence/${q(artifact.name)}`,
    });
  }
  return pictures;
}

export function ImageViewer(props: { pictures: Picture[] }) {
  const [loaded, setLoaded] = useState<Loaded[]>([]);
  const [selected, setSelected] = useState(0);
  const [zoom, setZoom] = useState(1);
  const [rotation, setRotation] = useState(0);

  useEffect(() => {
    let live = true;
    const urls: string[] = [];
    void Promise.all(
      props.pictures.map(async (picture): Promise<Loaded> => {
        try {
          const { url, type } = await blobUrl(picture.path);
          urls.push(url);
          return { ...picture, url, type, failed: false };
        } catch {
          return { ...picture, url: null, type: '', failed: true };
        }
      }),
    ).then((all) => {
      if (live) setLoaded(all);
    });
    return () => {
      live = false;
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, [props.pictures]);

  const zoomBy = (factor: number) => setZoom((z) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z * factor)));
  const reset = () => {
    setZoom(1);
    setRotation(0);
  };
  const rotate = () => setRotation((r) => (r + 90) % 360);
  useShortcuts({
    '+': () => zoomBy(ZOOM_STEP),
    '=': () => zoomBy(ZOOM_STEP),
    '-': () => zoomBy(1 / ZOOM_STEP),
    '0': reset,
    o: rotate,
  });

  const current = loaded[selected];
  return (
    <section class="viewer" aria-labelledby="images-title">
      <h2 id="images-title">Images</h2>
      {props.pictures.length === 0 && <p class="muted">This document has no files.</p>}
      <div class="toolbar" role="group" aria-label="Image tools">
        <button type="button" onClick={() => zoomBy(ZOOM_STEP)} aria-keyshortcuts="+">
          Zoom in
        </button>
        <button type="button" onClick={() => zoomBy(1 / ZOOM_STEP)} aria-keyshortcuts="-">
          Zoom out
        </button>
        <button type="button" onClick={rotate} aria-keyshortcuts="o">
          Rotate
        </button>
        <button type="button" onClick={reset} aria-keyshortcuts="0">
          Reset
        </button>
        <span class="muted" aria-live="polite">
          {Math.round(zoom * 100)} %, {rotation}°
        </span>
      </div>
      {/* Focusable so that a zoomed image can be scrolled with the keyboard. */}
      <div class="stage" tabIndex={0} role="region" aria-label="Selected image">
        {current?.url && current.type.startsWith('image/') && (
          <img
            src={current.url}
            alt={current.label}
            // Zoom changes the layout size (so every part can be scrolled to); rotation is a transform.
            style={
              zoom === 1
                ? { transform: `rotate(${rotation}deg)` }
                : {
                    width: `${zoom * 100}%`,
                    maxWidth: 'none',
                    maxHeight: 'none',
                    transform: `rotate(${rotation}deg)`,
                  }
            }
          />
        )}
        {current?.url && current.type === 'application/pdf' && (
          <p>
            A PDF file.{' '}
            <a href={current.url} target="_blank" rel="noopener">
              Open the PDF
            </a>
          </p>
        )}
        {current?.failed && <p class="error">This image could not be loaded.</p>}
        {!current && props.pictures.length > 0 && <p class="muted">Loading images…</p>}
      </div>
      <ul class="thumbs" aria-label="Files and crops">
        {loaded.map((picture, index) => (
          <li key={picture.key}>
            <button
              type="button"
              aria-pressed={index === selected}
              onClick={() => {
                setSelected(index);
                reset();
              }}
            >
              {picture.url && picture.type.startsWith('image/') ? (
                <img src={picture.url} alt="" />
              ) : (
                <span class="file-icon" aria-hidden="true">
                  {picture.failed ? '!' : 'PDF'}
                </span>
              )}
              <span>{picture.label}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
