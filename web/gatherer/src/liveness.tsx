/**
 * The liveness step (spec §7 + the kycgate challenge): the server picks a random order of moves; the page
 * shows each one with an animated cue for `stepMs`, records small JPEG frames from the front camera (at most
 * 60, about 5 per second), sends them with their timestamps, and asks the server for the verdict. A failure
 * shows the translated reason and offers a new try (a new session, so a new challenge).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api, LivenessSession, LivenessStep } from './api.ts';
import type { I18n, MessageKey } from './i18n.ts';

interface Props {
  i18n: I18n;
  api: Api;
  requestId: string;
  guard: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  onDone: () => void;
  onSkip: () => void;
  onHandoff: () => void;
}

const MAX_FRAMES = 60;
const FRAME_WIDTH = 640;
/** A short look at the camera before the first move: the reference frames of the face. */
const LEAD_IN_MS = 800;

type Phase =
  | { kind: 'intro' }
  | { kind: 'running'; step: LivenessStep | null }
  | { kind: 'checking' }
  | { kind: 'failed'; code: string | null; message: string | null }
  | { kind: 'passed' }
  | { kind: 'no-camera' };

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

export function Liveness({ i18n, api, requestId, guard, onDone, onSkip, onHandoff }: Props) {
  const { t } = i18n;
  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const [phase, setPhase] = useState<Phase>(hasCamera ? { kind: 'intro' } : { kind: 'no-camera' });
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const cancelled = useRef(false);

  useEffect(() => {
    cancelled.current = false;
    return () => {
      cancelled.current = true;
      stream.current?.getTracks().forEach((track) => track.stop());
    };
  }, []);
  useEffect(() => {
    if (phase.kind !== 'running') heading.current?.focus();
  }, [phase.kind]);

  const run = async () => {
    const session: LivenessSession | undefined = await guard(() => api.createLiveness(requestId));
    if (!session?.challenge) {
      setPhase({ kind: 'failed', code: null, message: null });
      return;
    }
    const { nonce, steps, stepMs } = session.challenge;
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'user' }, width: { ideal: 640 }, height: { ideal: 480 } },
      });
    } catch {
      setPhase({ kind: 'no-camera' });
      return;
    }
    stream.current = media;
    setPhase({ kind: 'running', step: null });
    await sleep(0);
    const element = video.current;
    if (!element) return;
    element.srcObject = media;
    await element.play().catch(() => undefined);
    for (let i = 0; i < 50 && element.videoWidth === 0; i++) await sleep(50);

    const totalMs = LEAD_IN_MS + steps.length * stepMs;
    const intervalMs = Math.max(120, Math.ceil(totalMs / (MAX_FRAMES - 2)));
    const canvas = document.createElement('canvas');
    const frames: { blob: Blob; t: number }[] = [];
    const started = performance.now();
    const grab = async () => {
      const w = element.videoWidth;
      const h = element.videoHeight;
      if (!w || !h) return;
      canvas.width = Math.min(FRAME_WIDTH, w);
      canvas.height = Math.round((canvas.width * h) / w);
      canvas.getContext('2d')?.drawImage(element, 0, 0, canvas.width, canvas.height);
      const at = performance.now() - started;
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
      if (blob && frames.length < MAX_FRAMES)
        frames.push({ blob, t: Math.max(at, (frames.at(-1)?.t ?? -1) + 1) });
    };
    const record = async (untilMs: number) => {
      while (performance.now() - started < untilMs && !cancelled.current) {
        const next = performance.now() + intervalMs;
        await grab();
        await sleep(Math.max(0, next - performance.now()));
      }
    };
    await record(LEAD_IN_MS);
    for (const [index, step] of steps.entries()) {
      setPhase({ kind: 'running', step });
      await record(LEAD_IN_MS + (index + 1) * stepMs);
    }
    media.getTracks().forEach((track) => track.stop());
    stream.current = null;
    if (cancelled.current) return;
    setPhase({ kind: 'checking' });
    const sent = await guard(() => api.sendLivenessFrames(session.id, nonce, frames));
    if (!sent) {
      setPhase({ kind: 'failed', code: null, message: null });
      return;
    }
    const result = await guard(() => api.finishLiveness(session.id));
    if (result?.status === 'succeeded') setPhase({ kind: 'passed' });
    else
      setPhase({
        kind: 'failed',
        code: result?.failureReason?.code ?? null,
        message: result?.failureReason?.message ?? null,
      });
  };

  if (phase.kind === 'no-camera') {
    return (
      <section aria-labelledby="liveness-title">
        <h2 id="liveness-title" tabIndex={-1} ref={heading}>
          {t('doc.liveness')}
        </h2>
        <p class="notice" role="alert">
          {t('livenessNoCamera')}
        </p>
        <div class="actions">
          <button type="button" class="primary" onClick={onHandoff}>
            {t('handoff')}
          </button>
          <button type="button" class="link" onClick={onSkip}>
            {t('skip')}
          </button>
        </div>
      </section>
    );
  }

  const instruction =
    phase.kind === 'running' && phase.step ? t(`live.${phase.step}` as MessageKey) : t('hintSelfie');
  return (
    <section aria-labelledby="liveness-title">
      <h2 id="liveness-title" tabIndex={-1} ref={heading}>
        {t('doc.liveness')}
      </h2>
      {phase.kind === 'intro' && (
        <>
          <p>{t('livenessIntro', { seconds: 12 })}</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => void run()}>
              {t('livenessStart')}
            </button>
          </div>
        </>
      )}
      {phase.kind === 'running' && (
        <>
          <div class="viewfinder selfie">
            <video ref={video} muted playsInline autoPlay aria-hidden="true" />
            <div class="guide" aria-hidden="true" />
          </div>
          <p class="challenge" role="status" aria-live="assertive" data-step={phase.step ?? 'look'}>
            <span class={`challenge-icon ${phase.step ?? ''}`} aria-hidden="true" />
            {instruction}
          </p>
        </>
      )}
      {phase.kind === 'checking' && (
        <p role="status" class="busy">
          {t('livenessChecking')}
        </p>
      )}
      {phase.kind === 'passed' && (
        <div class="result accepted" role="status">
          <p>
            <strong>{t('livenessPassed')}</strong>
          </p>
          <div class="actions">
            <button type="button" class="primary" onClick={onDone}>
              {t('continue')}
            </button>
          </div>
        </div>
      )}
      {phase.kind === 'failed' && (
        <div class="result rejected" role="status">
          <p>
            <strong>{t('livenessFailed')}</strong>
          </p>
          <ul class="hints">
            <li data-code={phase.code ?? 'error'}>
              {(phase.code && i18n.hint(phase.code)) ?? phase.message ?? t('error')}
            </li>
          </ul>
          <div class="actions">
            <button type="button" class="primary" onClick={() => setPhase({ kind: 'intro' })}>
              {t('tryAgain')}
            </button>
            <button type="button" class="link" onClick={onSkip}>
              {t('skip')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
