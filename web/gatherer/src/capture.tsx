/**
 * One photo: the camera with a guide frame, live feedback and auto-capture, or a file upload; then a
 * preview with "use this photo" and "retake". Falls back to upload (with a message saying why) when
 * `getUserMedia` is missing, refused or fails.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { I18n } from './i18n.ts';
import { assess, measure, toGray, type Issue } from './quality.ts';

export interface Captured {
  blob: Blob;
  name: string;
  source: 'camera' | 'upload';
}

interface Props {
  i18n: I18n;
  kind: 'document' | 'selfie';
  title: string;
  onDone: (captured: Captured) => void;
}

const ACCEPT = 'image/jpeg,image/png,application/pdf,image/heic,image/heif,.heic,.heif,.jpg,.jpeg,.png,.pdf';
const MAX_BYTES = 15_000_000;
/** Consecutive good checks (one every `CHECK_MS`) before the photo is taken by itself. */
const GOOD_CHECKS = 4;
const CHECK_MS = 200;
const FEEDBACK: Record<Issue, 'fbDark' | 'fbGlare' | 'fbBlurry' | 'fbFar'> = {
  dark: 'fbDark',
  glare: 'fbGlare',
  blurry: 'fbBlurry',
  far: 'fbFar',
};

type Mode = 'camera' | 'upload';
type CameraState = 'starting' | 'live' | 'unavailable' | 'denied';

export function Capture({ i18n, kind, title, onDone }: Props) {
  const { t } = i18n;
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const [mode, setMode] = useState<Mode>(hasCamera ? 'camera' : 'upload');
  const [camera, setCamera] = useState<CameraState>(hasCamera ? 'starting' : 'unavailable');
  const [issue, setIssue] = useState<Issue | null | 'starting'>('starting');
  const [shot, setShot] = useState<Captured | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);

  const stop = () => {
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = null;
  };

  useEffect(() => {
    if (mode !== 'camera' || shot) return;
    let cancelled = false;
    let timer = 0;
    let good = 0;
    const small = document.createElement('canvas');
    const start = async () => {
      try {
        const media = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: {
            facingMode: { ideal: kind === 'selfie' ? 'user' : 'environment' },
            width: { ideal: 1920 },
            height: { ideal: 1080 },
          },
        });
        if (cancelled) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        stream.current = media;
        const element = video.current;
        if (!element) return;
        element.srcObject = media;
        await element.play().catch(() => undefined);
        setCamera('live');
        const check = () => {
          if (cancelled) return;
          const w = element.videoWidth;
          const h = element.videoHeight;
          if (w > 0 && h > 0) {
            // The guide frame covers the middle 86 % × 80 % of the picture.
            const sx = w * 0.07;
            const sy = h * 0.1;
            const sw = w * 0.86;
            const sh = h * 0.8;
            small.width = 240;
            small.height = Math.max(1, Math.round((240 * sh) / sw));
            const ctx = small.getContext('2d', { willReadFrequently: true });
            if (ctx) {
              ctx.drawImage(element, sx, sy, sw, sh, 0, 0, small.width, small.height);
              const gray = toGray(ctx.getImageData(0, 0, small.width, small.height).data);
              const found = assess(measure(gray, small.width, small.height), kind);
              setIssue(found);
              good = found ? 0 : good + 1;
              if (good >= GOOD_CHECKS) {
                void take();
                return;
              }
            }
          }
          timer = window.setTimeout(check, CHECK_MS);
        };
        timer = window.setTimeout(check, CHECK_MS);
      } catch (error) {
        if (cancelled) return;
        const name = (error as { name?: string }).name;
        setCamera(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable');
        setMode('upload');
      }
    };
    void start();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      stop();
    };
  }, [mode, shot, kind]);

  const take = async () => {
    const element = video.current;
    if (!element || element.videoWidth === 0) return;
    const canvas = document.createElement('canvas');
    canvas.width = element.videoWidth;
    canvas.height = element.videoHeight;
    canvas.getContext('2d')?.drawImage(element, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    if (!blob) return;
    stop();
    setShot({ blob, name: kind === 'selfie' ? 'selfie.jpg' : 'document.jpg', source: 'camera' });
  };

  const onFile = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const okType =
      /^(image\/(jpeg|png|heic|heif)|application\/pdf)$/.test(file.type) ||
      /\.(jpe?g|png|pdf|heic|heif)$/i.test(file.name);
    if (!okType) return setFileError(t('fileType'));
    if (file.size > MAX_BYTES) return setFileError(t('fileTooBig'));
    setFileError(null);
    setShot({ blob: file, name: file.name, source: 'upload' });
  };

  if (shot)
    return <Preview i18n={i18n} shot={shot} onUse={() => onDone(shot)} onRetake={() => setShot(null)} />;

  const notice =
    camera === 'denied' ? t('cameraDenied') : camera === 'unavailable' ? t('cameraUnavailable') : null;
  const feedback = issue === 'starting' ? t('fbStarting') : issue === null ? t('fbGood') : t(FEEDBACK[issue]);

  return (
    <section class="capture" aria-labelledby="capture-title">
      <h2 id="capture-title">{title}</h2>
      {mode === 'camera' ? (
        <>
          <p>{t(kind === 'selfie' ? 'hintSelfie' : 'hintDocument')}</p>
          <div class={`viewfinder ${kind}`}>
            <video ref={video} muted playsInline autoPlay aria-hidden="true" />
            <div class={`guide ${issue === null ? 'good' : ''}`} aria-hidden="true" />
          </div>
          <p class="feedback" role="status" aria-live="polite" data-issue={issue ?? 'good'}>
            {feedback}
          </p>
          <div class="actions">
            <button type="button" class="primary" disabled={camera !== 'live'} onClick={() => void take()}>
              {t('takePhoto')}
            </button>
            <button type="button" class="link" onClick={() => setMode('upload')}>
              {t('uploadInstead')}
            </button>
          </div>
        </>
      ) : (
        <>
          {notice && (
            <p class="notice" role="alert">
              {notice}
            </p>
          )}
          <label class="file-drop">
            <span class="button primary">{t('chooseFile')}</span>
            <span class="muted">{t('fileHint')}</span>
            <input type="file" accept={ACCEPT} onChange={onFile} class="visually-hidden" />
          </label>
          {fileError && (
            <p class="error" role="alert">
              {fileError}
            </p>
          )}
          {camera !== 'denied' && camera !== 'unavailable' && (
            <div class="actions">
              <button
                type="button"
                class="link"
                onClick={() => {
                  setIssue('starting');
                  setCamera('starting');
                  setMode('camera');
                }}
              >
                {t('useCamera')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Preview({
  i18n,
  shot,
  onUse,
  onRetake,
}: {
  i18n: I18n;
  shot: Captured;
  onUse: () => void;
  onRetake: () => void;
}) {
  const { t } = i18n;
  const showable = /^image\/(jpeg|png)$/.test(shot.blob.type);
  const [url] = useState(() => (showable ? URL.createObjectURL(shot.blob) : null));
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="preview" aria-labelledby="preview-title">
      <h2 id="preview-title" tabIndex={-1} ref={heading}>
        {t('previewTitle')}
      </h2>
      {url ? (
        <img src={url} alt={t('previewAlt')} />
      ) : (
        <p class="file-name">{t('fileChosen', { name: shot.name })}</p>
      )}
      <p>{t('previewHint')}</p>
      <div class="actions">
        <button type="button" class="primary" onClick={onUse}>
          {t('usePhoto')}
        </button>
        <button type="button" class="secondary" onClick={onRetake}>
          {t('retake')}
        </button>
      </div>
    </section>
  );
}
