/**
 * The gatherer page: landing and consent, one step per requested document (identity → selfie → liveness →
 * address → funds → purchase), results as soon as the analysis finishes, a summary and the redirect with
 * `info` (spec §4.5). Heavy parts (camera, liveness, QR code) load on demand.
 */
import { lazy, Suspense } from 'preact/compat';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  Api,
  ApiError,
  TokenExpiredError,
  type DocumentType,
  type KycRequest,
  type RequestedDocument,
  type Website,
} from './api.ts';
import type { Captured } from './capture.tsx';
import {
  attemptsLeft,
  documentsOf,
  finalInfo,
  loadProgress,
  plan,
  redirectTarget,
  requested,
  saveProgress,
  stepSettled,
  typeState,
  type Progress,
  type StepId,
} from './flow.ts';
import { LANGUAGES, type I18n, type MessageKey } from './i18n.ts';

const Capture = lazy(() => import('./capture.tsx').then((m) => ({ default: m.Capture })));
const Liveness = lazy(() => import('./liveness.tsx').then((m) => ({ default: m.Liveness })));
const Handoff = lazy(() => import('./handoff.tsx').then((m) => ({ default: m.Handoff })));

/** How often the page asks for the analysis result, and for how long before it tells the customer a person will look. */
const POLL_MS = 1_000;
const REDIRECT_SECONDS = 8;
const TWO_SIDED = new Set(['id-card', 'driver-license']);
const FINAL_REQUEST_STATUSES = new Set(['fulfilled', 'failed', 'abandoned', 'expired']);

export interface Session {
  token: string;
  requestId: string;
  redirectUrl: string | null;
  /** The page's own link (for the phone handoff). */
  link: string;
  /** The token's expiry has passed already (the page says so without calling the API). */
  expired: boolean;
}

type Ending = { info: string } | null;

export function App({
  session,
  i18n,
  onLanguage,
}: {
  session: Session;
  i18n: I18n;
  onLanguage: (lang: string) => void;
}) {
  const { t } = i18n;
  const api = useMemo(() => new Api(session.token), [session.token]);
  const [request, setRequest] = useState<KycRequest | null>(null);
  const [website, setWebsite] = useState<Website | null>(null);
  const [expired, setExpired] = useState(session.expired);
  const [error, setError] = useState<string | null>(null);
  const [progress, setProgressState] = useState<Progress>(() => loadProgress(session.requestId));
  const [ending, setEnding] = useState<Ending>(null);
  const [handoff, setHandoff] = useState(false);
  /** A step whose result is on screen stays current until the customer moves on. */
  const [hold, setHold] = useState<StepId | null>(null);
  const resumed = useRef(progress.started);

  const setProgress = useCallback(
    (update: (p: Progress) => Progress) =>
      setProgressState((current) => {
        const next = update(current);
        saveProgress(session.requestId, next);
        return next;
      }),
    [session.requestId],
  );

  /** Runs an API call; an expired token ends the visit, other failures show a message. */
  const guard = useCallback(
    async <T,>(work: () => Promise<T>): Promise<T | undefined> => {
      try {
        setError(null);
        return await work();
      } catch (e) {
        if (e instanceof TokenExpiredError) setExpired(true);
        else setError(e instanceof ApiError && e.status !== 0 && e.status < 500 ? e.detail : t('error'));
        return undefined;
      }
    },
    [t],
  );

  const refresh = useCallback(
    () =>
      guard(async () => {
        const fresh = await api.getRequest(session.requestId);
        setRequest(fresh);
        return fresh;
      }),
    [api, guard, session.requestId],
  );

  useEffect(() => {
    if (session.expired) return;
    void refresh();
    void guard(async () => {
      const account = await api.getAccount();
      if (account.websiteId) setWebsite(await api.getWebsite(account.websiteId));
    });
  }, [api, guard, refresh, session.expired]);

  const steps = request ? plan(request) : [];
  const current = request ? (hold ?? steps.find((s) => !stepSettled(request, progress, s))) : undefined;
  const waiting = request
    ? requested(request).some((d) => typeState(request, d.type as DocumentType) === 'waiting')
    : false;

  // Poll while an analysis runs (the result shows as soon as it lands), and while the phone works (handoff).
  useEffect(() => {
    if (!request || expired || (!waiting && !handoff)) return;
    const timer = window.setTimeout(() => void refresh(), handoff ? POLL_MS * 2 : POLL_MS);
    return () => window.clearTimeout(timer);
  }, [request, waiting, handoff, expired, refresh]);

  const org = website?.name ?? '';
  const site = website?.name ?? t('backGeneric');
  // The request's current redirect URL; before it loads (or when the token is dead) the one in the token.
  const redirectUrl = request?.redirectUrl ?? session.redirectUrl;
  const backBase = redirectUrl ?? website?.url ?? null;
  const backHref = backBase ? redirectTarget(backBase, 'back') : null;

  useEffect(() => {
    document.title = t('title');
  }, [t]);

  let body;
  if (expired) {
    body = <Ended i18n={i18n} info="token_expired" redirectUrl={redirectUrl} site={site} org={org} />;
  } else if (ending) {
    body = <Ended i18n={i18n} info={ending.info} redirectUrl={redirectUrl} site={site} org={org} />;
  } else if (!request) {
    body = error ? <ErrorBox message={error} /> : <p role="status">{t('loading')}</p>;
  } else if (request.status === 'expired' || request.status === 'abandoned') {
    body = <Ended i18n={i18n} info="token_expired" redirectUrl={redirectUrl} site={site} org={org} />;
  } else if (handoff) {
    body = (
      <Suspense fallback={<p role="status">{t('loading')}</p>}>
        <Handoff
          i18n={i18n}
          link={session.link}
          done={!current || FINAL_REQUEST_STATUSES.has(request.status)}
          onBack={() => setHandoff(false)}
          onFinished={() => setProgress((p) => ({ ...p, started: true, finished: true }))}
        />
      </Suspense>
    );
  } else if (!progress.started) {
    body = (
      <Landing
        i18n={i18n}
        request={request}
        org={org}
        consent={progress.consent}
        onConsent={(consent) => setProgress((p) => ({ ...p, consent }))}
        onStart={() => setProgress((p) => ({ ...p, started: true }))}
        onHandoff={() => setHandoff(true)}
      />
    );
  } else if (!current || progress.finished) {
    body = (
      <Summary
        i18n={i18n}
        request={request}
        progress={progress}
        onFinish={() => setEnding({ info: finalInfo(request, progress) })}
      />
    );
  } else {
    const index = steps.indexOf(current) + 1;
    body = (
      <>
        <ol class="steps" aria-label={t('stepOf', { n: index, total: steps.length })}>
          {steps.map((s, i) => (
            <li
              key={s}
              class={s === current ? 'current' : i < index - 1 ? 'done' : ''}
              aria-current={s === current ? 'step' : undefined}
            >
              <span class="visually-hidden">{t(stepLabel(s))}</span>
            </li>
          ))}
        </ol>
        <p class="muted step-count">{t('stepOf', { n: index, total: steps.length })}</p>
        {resumed.current && (
          <p class="notice" role="status">
            {t('resumed')}
          </p>
        )}
        {error && <ErrorBox message={error} />}
        {current === 'liveness' ? (
          <Suspense fallback={<p role="status">{t('loading')}</p>}>
            <Liveness
              i18n={i18n}
              api={api}
              requestId={session.requestId}
              guard={guard}
              onDone={() => {
                resumed.current = false;
                setProgress((p) => ({ ...p, livenessDone: true }));
                void refresh();
              }}
              onSkip={() => setProgress((p) => ({ ...p, skipped: [...p.skipped, 'liveness'] }))}
              onHandoff={() => setHandoff(true)}
            />
          </Suspense>
        ) : (
          <DocumentStep
            key={current === 'selfie' ? 'identity-proof' : current}
            i18n={i18n}
            api={api}
            request={request}
            type={current === 'selfie' ? 'identity-proof' : current}
            progress={progress}
            setProgress={setProgress}
            guard={guard}
            refresh={refresh}
            onActivity={() => (resumed.current = false)}
            onHold={setHold}
            onHandoff={() => setHandoff(true)}
          />
        )}
      </>
    );
  }

  return (
    <div class="page" dir={i18n.rtl ? 'rtl' : 'ltr'}>
      <header class="top">
        <span class="brand">{website?.name ?? t('title')}</span>
        <label class="lang">
          <span class="visually-hidden">{t('language')}</span>
          <select value={i18n.lang} onChange={(e) => onLanguage(e.currentTarget.value)}>
            {Object.entries(LANGUAGES).map(([code, { name }]) => (
              <option key={code} value={code} lang={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main id="main">{body}</main>
      <footer class="bottom">
        {backHref && !expired && !ending && (
          <a class="back" href={backHref} data-info="back">
            {website ? t('back', { site: website.name }) : t('backGeneric')}
          </a>
        )}
      </footer>
    </div>
  );
}

function stepLabel(step: StepId): MessageKey {
  if (step === 'selfie') return 'doc.selfie';
  if (step === 'liveness') return 'doc.liveness';
  return `doc.${step}`;
}

function ErrorBox({ message }: { message: string }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

function Landing({
  i18n,
  request,
  org,
  consent,
  onConsent,
  onStart,
  onHandoff,
}: {
  i18n: I18n;
  request: KycRequest;
  org: string;
  consent: boolean;
  onConsent: (value: boolean) => void;
  onStart: () => void;
  onHandoff: () => void;
}) {
  const { t } = i18n;
  const steps = plan(request);
  const biometric = steps.includes('selfie') || steps.includes('liveness');
  const [tried, setTried] = useState(false);
  const minutes = Math.max(2, steps.length * 2);
  const canStart = !biometric || consent;
  const desktop = typeof matchMedia === 'function' && matchMedia('(pointer: fine)').matches;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <section aria-labelledby="landing-title">
      <h1 id="landing-title" tabIndex={-1} ref={heading}>
        {org ? t('landingTitle', { org }) : t('title')}
      </h1>
      <p>{t('landingNeeded')}</p>
      <ul class="needed">
        {steps.map((s) => (
          <li key={s}>
            <strong>{t(stepLabel(s))}</strong>
            <span class="muted">
              {t(s === 'selfie' ? 'why.selfie' : s === 'liveness' ? 'why.liveness' : `why.${s}`)}
            </span>
          </li>
        ))}
      </ul>
      <p>{t('landingTime', { minutes })}</p>
      <p class="muted">{t('landingData', { org: org || t('title') })}</p>
      {biometric && (
        <div class="consent">
          <input
            id="consent"
            type="checkbox"
            checked={consent}
            aria-describedby={tried && !consent ? 'consent-error' : undefined}
            aria-invalid={tried && !consent ? 'true' : undefined}
            onChange={(e) => onConsent(e.currentTarget.checked)}
          />
          <label for="consent">{t('consent')}</label>
        </div>
      )}
      {tried && !canStart && (
        <p id="consent-error" class="error" role="alert">
          {t('consentNeeded')}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="primary"
          onClick={() => {
            setTried(true);
            if (canStart) onStart();
          }}
        >
          {t('start')}
        </button>
        {desktop && (
          <button type="button" class="secondary" onClick={onHandoff}>
            {t('handoff')}
          </button>
        )}
      </div>
    </section>
  );
}

type Stage =
  | { kind: 'subtype' }
  | { kind: 'capture'; side: 'front' | 'back' | 'selfie' | 'single' }
  | { kind: 'liveness' }
  | { kind: 'sending' }
  | { kind: 'result' };

function identitySides(subtype: string | null): ('front' | 'back')[] {
  return subtype && TWO_SIDED.has(subtype) ? ['front', 'back'] : ['front'];
}

function DocumentStep({
  i18n,
  api,
  request,
  type,
  progress,
  setProgress,
  guard,
  refresh,
  onActivity,
  onHold,
  onHandoff,
}: {
  i18n: I18n;
  api: Api;
  request: KycRequest;
  type: DocumentType;
  progress: Progress;
  setProgress: (update: (p: Progress) => Progress) => void;
  guard: <T>(work: () => Promise<T>) => Promise<T | undefined>;
  refresh: () => Promise<KycRequest | undefined>;
  onActivity: () => void;
  /** Keep this step on screen (`type`) or let the flow move on (`null`). */
  onHold: (step: StepId | null) => void;
  onHandoff: () => void;
}) {
  const { t } = i18n;
  const spec = request.documents.find((d) => d.type === type) as RequestedDocument;
  const subtypes = spec.subtypes?.length
    ? spec.subtypes
    : type === 'identity-proof'
      ? ['passport', 'id-card', 'driver-license']
      : null;
  const isIdentity = type === 'identity-proof';
  const needsSelfie = isIdentity && !!(spec.faceProofRequired || spec.faceLivenessRequired);
  // The liveness check runs before the identity proof is sent, so its analysis already knows the result.
  const needsLiveness = () =>
    isIdentity &&
    !!spec.faceLivenessRequired &&
    !progress.livenessDone &&
    !progress.skipped.includes('liveness');
  const state = typeState(request, type);
  const docs = documentsOf(request, type);
  const latest = docs[docs.length - 1];
  const [subtype, setSubtype] = useState<string | null>(
    isIdentity ? progress.identity.subtype : subtypes?.length === 1 ? subtypes[0]! : null,
  );
  const [stage, setStage] = useState<Stage>(() => {
    if (state === 'waiting' || state === 'rejected') return { kind: 'result' };
    return initialStage();
  });

  function initialStage(): Stage {
    const chosen = isIdentity ? progress.identity.subtype : subtypes?.length === 1 ? subtypes[0]! : null;
    if (subtypes && subtypes.length > 1 && !chosen) return { kind: 'subtype' };
    if (!isIdentity) return { kind: 'capture', side: 'single' };
    const files = progress.identity;
    for (const side of identitySides(chosen)) if (!files[side]) return { kind: 'capture', side };
    if (needsSelfie && !files.selfie) return { kind: 'capture', side: 'selfie' };
    if (needsLiveness()) return { kind: 'liveness' };
    return { kind: 'capture', side: 'front' };
  }

  useEffect(() => {
    if (stage.kind === 'result' || stage.kind === 'sending' || stage.kind === 'liveness') onHold(type);
  }, [stage.kind, type, onHold]);

  const submit = async (fileIds: string[], chosen: string | null) => {
    setStage({ kind: 'sending' });
    const created = await guard(() => api.createDocument(type, chosen, fileIds));
    if (!created) {
      setStage(initialStage());
      return;
    }
    if (isIdentity) setProgress((p) => ({ ...p, identity: { subtype: p.identity.subtype } }));
    await refresh();
    setStage({ kind: 'result' });
  };

  const onCaptured = async (side: 'front' | 'back' | 'selfie' | 'single', shot: Captured) => {
    onActivity();
    setStage({ kind: 'sending' });
    const tags = [
      'kyc',
      ...(side === 'front'
        ? ['id-front']
        : side === 'back'
          ? ['id-back']
          : side === 'selfie'
            ? ['face-proof']
            : []),
    ];
    const fileId = await guard(() => api.uploadFile(shot.blob, shot.name, tags, shot.source));
    if (!fileId) {
      setStage({ kind: 'capture', side });
      return;
    }
    if (!isIdentity) return submit([fileId], subtype);
    const files = { ...progress.identity, subtype, [side]: fileId };
    setProgress((p) => ({ ...p, identity: files }));
    const sides = identitySides(subtype);
    const next = sides.find((s) => !files[s]);
    if (next) return setStage({ kind: 'capture', side: next });
    if (needsSelfie && !files.selfie) return setStage({ kind: 'capture', side: 'selfie' });
    if (needsLiveness()) return setStage({ kind: 'liveness' });
    return submitIdentity(files);
  };

  const submitIdentity = (files: Progress['identity']) => {
    const ids = [files.front, files.back, files.selfie].filter((id): id is string => !!id);
    return submit(ids, files.subtype ?? subtype);
  };

  const docName =
    subtype && i18n.t(`sub.${subtype}` as MessageKey) !== `sub.${subtype}`
      ? t(`sub.${subtype}` as MessageKey)
      : t(`doc.${type}`);

  if (stage.kind === 'subtype') {
    return (
      <SubtypeChoice
        i18n={i18n}
        title={t(`doc.${type}`)}
        subtypes={subtypes ?? []}
        onChoose={(value) => {
          setSubtype(value);
          if (isIdentity) setProgress((p) => ({ ...p, identity: { subtype: value } }));
          setStage({ kind: 'capture', side: isIdentity ? 'front' : 'single' });
        }}
      />
    );
  }
  if (stage.kind === 'liveness') {
    return (
      <Suspense fallback={<p role="status">{t('loading')}</p>}>
        <Liveness
          i18n={i18n}
          api={api}
          requestId={request.id}
          guard={guard}
          onDone={() => {
            setProgress((p) => ({ ...p, livenessDone: true }));
            void submitIdentity(progress.identity);
          }}
          onSkip={() => {
            setProgress((p) => ({ ...p, skipped: [...p.skipped, 'liveness'] }));
            void submitIdentity(progress.identity);
          }}
          onHandoff={onHandoff}
        />
      </Suspense>
    );
  }
  if (stage.kind === 'sending')
    return (
      <p role="status" class="busy">
        {t('sending')}
      </p>
    );
  if (stage.kind === 'result') {
    if (state === 'waiting' || !latest)
      return (
        <p role="status" class="busy">
          {t('checking')}
        </p>
      );
    return (
      <Result
        i18n={i18n}
        docName={docName}
        state={state}
        corrections={latest.corrections ?? []}
        fallback={latest.rejectionReason?.message ?? null}
        attempts={attemptsLeft(request, type)}
        onRetry={() => setStage(subtypes && subtypes.length > 1 ? { kind: 'subtype' } : initialStage())}
        onSkip={() => {
          onHold(null);
          setProgress((p) => ({ ...p, skipped: [...p.skipped, type] }));
        }}
        onContinue={() => onHold(null)}
      />
    );
  }
  const side = stage.side;
  const title =
    side === 'selfie'
      ? t('captureSelfie')
      : `${docName} — ${t(side === 'back' ? 'sideBack' : side === 'single' ? 'sideDocument' : identitySides(subtype).length > 1 ? 'sideFront' : 'sidePage')}`;
  return (
    <>
      <Suspense fallback={<p role="status">{t('loading')}</p>}>
        <Capture
          key={side}
          i18n={i18n}
          kind={side === 'selfie' ? 'selfie' : 'document'}
          title={title}
          onDone={(shot) => void onCaptured(side, shot)}
        />
      </Suspense>
      {!isIdentity && (
        <div class="actions">
          <button
            type="button"
            class="link"
            onClick={() => setProgress((p) => ({ ...p, skipped: [...p.skipped, type] }))}
          >
            {t('skip')}
          </button>
        </div>
      )}
    </>
  );
}

function SubtypeChoice({
  i18n,
  title,
  subtypes,
  onChoose,
}: {
  i18n: I18n;
  title: string;
  subtypes: string[];
  onChoose: (subtype: string) => void;
}) {
  const { t } = i18n;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const label = (s: string) => {
    const text = i18n.t(`sub.${s}` as MessageKey);
    return text === `sub.${s}` ? s.replace(/-/g, ' ') : text;
  };
  return (
    <section aria-labelledby="subtype-title">
      <h2 id="subtype-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <p id="subtype-question">{t('chooseSubtype')}</p>
      <ul class="choices" aria-labelledby="subtype-question">
        {subtypes.map((s) => (
          <li key={s}>
            <button type="button" class="choice" data-subtype={s} onClick={() => onChoose(s)}>
              {label(s)}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Result({
  i18n,
  docName,
  state,
  corrections,
  fallback,
  attempts,
  onRetry,
  onSkip,
  onContinue,
}: {
  i18n: I18n;
  docName: string;
  state: string;
  corrections: { code: string; message: string }[];
  fallback: string | null;
  attempts: number;
  onRetry: () => void;
  onSkip: () => void;
  onContinue: () => void;
}) {
  const { t } = i18n;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const hints = corrections.map((c) => ({ code: c.code, text: i18n.hint(c.code) ?? c.message }));
  if (hints.length === 0 && fallback && state !== 'accepted') hints.push({ code: 'other', text: fallback });
  const title = state === 'accepted' ? t('accepted') : state === 'review' ? t('pending') : t('rejected');
  return (
    <section class={`result ${state}`} aria-labelledby="result-title">
      <div role="status" aria-live="polite">
        <h2 id="result-title" tabIndex={-1} ref={heading}>
          {title}
        </h2>
        {state === 'accepted' && <p>{t('acceptedBody', { doc: docName })}</p>}
        {state === 'review' && <p>{t('pendingBody')}</p>}
        {(state === 'rejected' || state === 'failed') && (
          <>
            <ul class="hints">
              {hints.map((h) => (
                <li key={h.code} data-code={h.code}>
                  {h.text}
                </li>
              ))}
            </ul>
            <p class="attempts">
              {state === 'failed'
                ? t('noAttemptsLeft')
                : Number.isFinite(attempts)
                  ? t('attemptsLeft', { n: attempts })
                  : ''}
            </p>
          </>
        )}
      </div>
      <div class="actions">
        {state === 'rejected' ? (
          <>
            <button type="button" class="primary" onClick={onRetry}>
              {t('tryAgain')}
            </button>
            <button type="button" class="link" onClick={onSkip}>
              {t('skip')}
            </button>
          </>
        ) : (
          <button type="button" class="primary" onClick={onContinue}>
            {t('continue')}
          </button>
        )}
      </div>
    </section>
  );
}

function Summary({
  i18n,
  request,
  progress,
  onFinish,
}: {
  i18n: I18n;
  request: KycRequest;
  progress: Progress;
  onFinish: () => void;
}) {
  const { t } = i18n;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const label = (step: StepId): MessageKey => {
    if (step === 'liveness') return progress.skipped.includes('liveness') ? 'stSkipped' : 'stAccepted';
    const type = step === 'selfie' ? 'identity-proof' : step;
    if (progress.skipped.includes(type) && documentsOf(request, type).length === 0) return 'stSkipped';
    const state = typeState(request, type);
    return state === 'accepted'
      ? 'stAccepted'
      : state === 'failed' || state === 'rejected'
        ? 'stFailed'
        : state === 'none'
          ? 'stSkipped'
          : 'stPending';
  };
  return (
    <section aria-labelledby="summary-title">
      <h1 id="summary-title" tabIndex={-1} ref={heading}>
        {t('summaryTitle')}
      </h1>
      <p>{t('summaryBody')}</p>
      <ul class="summary">
        {plan(request).map((step) => (
          <li key={step} data-step={step} data-state={label(step)}>
            <span>{t(stepLabel(step))}</span>
            <span class="badge">{t(label(step))}</span>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="button" class="primary" onClick={onFinish}>
          {t('finish')}
        </button>
      </div>
    </section>
  );
}

/** The end of a visit: the countdown and the redirect with `info`, or a "close this page" note. */
function Ended({
  i18n,
  info,
  redirectUrl,
  site,
  org,
}: {
  i18n: I18n;
  info: string;
  redirectUrl: string | null;
  site: string;
  org: string;
}) {
  const { t } = i18n;
  const target = redirectUrl ? redirectTarget(redirectUrl, info) : null;
  const [seconds, setSeconds] = useState(REDIRECT_SECONDS);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  useEffect(() => {
    try {
      window.parent?.postMessage({ source: 'kycgate-gatherer', info }, '*');
    } catch {
      // Not framed, or the parent is gone.
    }
  }, [info]);
  useEffect(() => {
    if (!target) return;
    if (seconds <= 0) {
      window.location.assign(target);
      return;
    }
    const timer = window.setTimeout(() => setSeconds((s) => s - 1), 1_000);
    return () => window.clearTimeout(timer);
  }, [seconds, target]);
  return (
    <section aria-labelledby="end-title" data-info={info}>
      <h1 id="end-title" tabIndex={-1} ref={heading}>
        {info === 'token_expired' ? t('expiredTitle') : t('summaryTitle')}
      </h1>
      {info === 'token_expired' && <p>{t('expiredBody', { org: org || site })}</p>}
      {target ? (
        <>
          <p aria-live="polite" aria-atomic="true">
            {t('redirectIn', { site, n: Math.max(0, seconds) })}
          </p>
          <div class="actions">
            <a class="button primary" href={target}>
              {t('returnNow')}
            </a>
          </div>
        </>
      ) : (
        <p>{t('closePage')}</p>
      )}
    </section>
  );
}
