/**
 * One document, for a decision: the images and crops; why the analysis was unsure (score against the
 * thresholds, each check with its weight); the extracted fields beside the customer's record; liveness,
 * duplicates and earlier attempts; and the actions — accept, reject with a reason, correct fields, notes,
 * tags. Opening a pending document claims it (start-review) so that nobody else takes it; leaving it
 * undecided releases it (stop-review).
 *
 * Keys: `a` accept, `r` reject, `e` correct fields, `n` notes, `t` tag, `q` back to the queue; image keys
 * in image-viewer.tsx.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiError,
  get,
  getPage,
  q,
  send,
  type Customer,
  type Evidence,
  type KycDocument,
  type ReviewAction,
  type Session,
} from './api.ts';
import { Checks, FieldsBeside, Liveness, ScoreMeter } from './document-facts.tsx';
import { Corrections } from './corrections.tsx';
import { customerName, dateTime, documentTypeLabel, humanize, REJECTION_REASONS, show } from './format.ts';
import { documentPictures, ImageViewer, type Picture } from './image-viewer.tsx';
import { useShortcuts } from './shortcuts.ts';

type Panel = 'none' | 'accept' | 'reject';

export function DocumentView(props: { id: string; session: Session }) {
  const { id, session } = props;
  const me = session.reviewer;
  const [doc, setDoc] = useState<KycDocument | null>(null);
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [evidence, setEvidence] = useState<Evidence | null>(null);
  const [pictures, setPictures] = useState<Picture[]>([]);
  const [others, setOthers] = useState<KycDocument[]>([]);
  const [log, setLog] = useState<ReviewAction[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>('none');
  const [reason, setReason] = useState<string>('');
  const [reasonMessage, setReasonMessage] = useState('');
  const [notes, setNotes] = useState('');
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLSelectElement>(null);
  const acceptRef = useRef<HTMLButtonElement>(null);
  const notesRef = useRef<HTMLTextAreaElement>(null);
  const tagRef = useRef<HTMLInputElement>(null);
  const claimed = useRef(false);

  const refresh = async () => {
    const [fresh, actions] = await Promise.all([
      get<KycDocument>(`/kyc-documents/${q(id)}`),
      get<ReviewAction[]>(`/kyc-documents/${q(id)}/review-actions`),
    ]);
    setDoc(fresh);
    setLog(actions);
    return fresh;
  };

  useEffect(() => {
    let live = true;
    (async () => {
      let current = await get<KycDocument>(`/kyc-documents/${q(id)}`);
      // Take the document: a pending one nobody is reviewing becomes ours.
      if (current.status === 'pending' && !current.reviewStartTime) {
        try {
          current = (await send<KycDocument>('POST', `/kyc-documents/${q(id)}/start-review`))!;
          claimed.current = true;
        } catch (caught) {
          if (!(caught instanceof ApiError && caught.status === 409)) throw caught;
          current = await get<KycDocument>(`/kyc-documents/${q(id)}`);
        }
      }
      if (!live) return;
      setDoc(current);
      setNotes(current.notes ?? '');
      const [cust, ev, earlier, actions] = await Promise.all([
        get<Customer>(`/customers/${q(current.customerId)}`).catch(() => null),
        get<Evidence>(`/kyc-documents/${q(id)}/evidence`).catch(() => null),
        getPage<KycDocument>(
          `/kyc-documents?filter=${q(`customerId:${current.customerId}`)}&sort=-createdTime&limit=50`,
        ),
        get<ReviewAction[]>(`/kyc-documents/${q(id)}/review-actions`),
      ]);
      if (!live) return;
      setCustomer(cust);
      setEvidence(ev);
      setOthers(earlier.items.filter((d) => d.id !== id));
      setLog(actions);
      setPictures(await documentPictures(id, current.fileIds, ev?.artifacts ?? []));
    })().catch((caught: unknown) => {
      if (live) setError(caught instanceof ApiError ? caught.message : 'The document could not be loaded.');
    });
    return () => {
      live = false;
      // Leaving a document we claimed and did not decide puts it back in the queue for others.
      if (claimed.current) {
        void get<KycDocument>(`/kyc-documents/${q(id)}`)
          .then((latest) =>
            latest.status === 'pending' && latest.reviewerId === me.id
              ? send('POST', `/kyc-documents/${q(id)}/stop-review`)
              : null,
          )
          .catch(() => {});
      }
    };
  }, [id]);

  const claimedByOther =
    doc !== null && doc.reviewStartTime !== null && doc.reviewerId !== null && doc.reviewerId !== me.id;
  const canDecide =
    doc !== null &&
    ['pending', 'in-progress'].includes(doc.status) &&
    (!claimedByOther || me.role === 'admin');

  const act = async (label: string, run: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await run();
      const fresh = await refresh();
      setMessage(`${label}. The document is now ${fresh.status}.`);
      setPanel('none');
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : `${label} failed.`);
    } finally {
      setBusy(false);
    }
  };

  const accept = () => act('Accepted', () => send('POST', `/kyc-documents/${q(id)}/acceptance`));
  const reject = () =>
    act('Rejected', () =>
      send('POST', `/kyc-documents/${q(id)}/rejection`, {
        type: reason,
        message: reasonMessage.trim() || null,
      }),
    );
  const claim = () =>
    act('Taken', async () => {
      await send('POST', `/kyc-documents/${q(id)}/start-review`);
      claimed.current = true;
    });
  const release = () =>
    act('Released', async () => {
      await send('POST', `/kyc-documents/${q(id)}/stop-review`);
      claimed.current = false;
    });
  const saveNotes = () =>
    act('Notes saved', () =>
      send('PUT', `/kyc-documents/${q(id)}`, {
        customerId: doc!.customerId,
        documentType: doc!.documentType,
        fileIds: doc!.fileIds,
        notes: notes.trim() || null,
      }),
    );
  const addTag = () => {
    const name = tag.trim();
    if (!name) return;
    void act(`Tagged “${name}”`, async () => {
      await send('POST', `/tags/${q(name)}/kyc-documents/${q(id)}`);
      setTag('');
    });
  };
  const removeTag = (name: string) =>
    act(`Tag “${name}” removed`, () => send('DELETE', `/tags/${q(name)}/kyc-documents/${q(id)}`));

  const openPanel = (next: Panel) => {
    if (!canDecide) return;
    setPanel(next);
    setTimeout(() => (next === 'reject' ? reasonRef.current : acceptRef.current)?.focus(), 0);
  };
  useShortcuts({
    a: () => openPanel('accept'),
    r: () => openPanel('reject'),
    n: () => notesRef.current?.focus(),
    t: () => tagRef.current?.focus(),
    e: () => document.getElementById('correct-first')?.focus(),
    q: () => {
      location.hash = '#/';
    },
    Escape: () => setPanel('none'),
  });

  if (error && !doc) {
    return (
      <section>
        <h1>Document</h1>
        <p class="error" role="alert">
          {error}
        </p>
        <a href="#/">Back to the queue</a>
      </section>
    );
  }
  if (!doc) return <p role="status">Loading the document…</p>;

  const duplicates = evidence?.evidence.duplicates;
  return (
    <article class="document" aria-labelledby="doc-title">
      <p>
        <a href="#/">← Back to the queue</a>
      </p>
      <h1 id="doc-title">
        {documentTypeLabel(doc.documentType)} document
        {doc.documentSubtype ? ` · ${humanize(doc.documentSubtype)}` : ''}
      </h1>
      <dl class="summary">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`status status-${doc.status}`} data-testid="document-status">
              {doc.status}
            </span>
            {doc.rejectionReason && ` — ${humanize(doc.rejectionReason.type)}`}
            {doc.rejectionReason?.message && `: ${doc.rejectionReason.message}`}
          </dd>
        </div>
        <div>
          <dt>Customer</dt>
          <dd>
            <a href={`#/customers/${doc.customerId}`}>{customer ? customerName(customer) : doc.customerId}</a>
          </dd>
        </div>
        <div>
          <dt>Uploaded</dt>
          <dd>{dateTime(doc.createdTime)}</dd>
        </div>
        <div>
          <dt>Analysed</dt>
          <dd>{dateTime(doc.processedTime)}</dd>
        </div>
        <div>
          <dt>Reviewer</dt>
          <dd>
            {doc.reviewerName ?? doc.reviewerId ?? 'Nobody'}
            {doc.reviewerId === me.id && ' (you)'}
          </dd>
        </div>
        <div>
          <dt>ID</dt>
          <dd class="id">{doc.id}</dd>
        </div>
      </dl>

      {claimedByOther && doc.status === 'pending' && (
        <p class="notice" role="status">
          {doc.reviewerName ?? 'Another reviewer'} has been reviewing this document since{' '}
          {dateTime(doc.reviewStartTime)}.
          {me.role === 'admin' ? ' As an admin you may still decide it.' : ' You can look but not decide.'}
        </p>
      )}
      <div class="messages" aria-live="polite">
        {message && <p class="success">{message}</p>}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </div>

      <div class="columns">
        <div class="left">
          <ImageViewer pictures={pictures} />
          <section aria-labelledby="log-title">
            <h2 id="log-title">Review log</h2>
            {log.length === 0 ? (
              <p class="muted">Nobody has acted on this document yet.</p>
            ) : (
              <ol class="log">
                {log.map((entry) => (
                  <li key={entry.id}>
                    <time dateTime={entry.createdTime}>{dateTime(entry.createdTime)}</time>{' '}
                    <strong>{entry.actorName ?? entry.actorId}</strong>
                    {entry.actorType === 'api-key' && ' (API key)'}: {humanize(entry.action)}
                    {entry.detail && <span class="muted"> {describeDetail(entry)}</span>}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>

        <div class="right">
          <section class="actions" aria-labelledby="actions-title">
            <h2 id="actions-title">Decision</h2>
            {!['pending', 'in-progress'].includes(doc.status) && (
              <p>
                This document is <strong>{doc.status}</strong>
                {doc.reviewTime &&
                  ` (decided ${dateTime(doc.reviewTime)} by ${doc.reviewerName ?? doc.reviewerId})`}
                .
              </p>
            )}
            {canDecide && panel === 'none' && (
              <div class="buttons">
                <button
                  type="button"
                  class="primary"
                  onClick={() => openPanel('accept')}
                  aria-keyshortcuts="a"
                >
                  Accept…
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() => openPanel('reject')}
                  aria-keyshortcuts="r"
                >
                  Reject…
                </button>
                {doc.reviewerId === me.id && doc.reviewStartTime ? (
                  <button type="button" onClick={() => void release()} disabled={busy}>
                    Release
                  </button>
                ) : (
                  !doc.reviewStartTime && (
                    <button type="button" onClick={() => void claim()} disabled={busy}>
                      Take
                    </button>
                  )
                )}
              </div>
            )}
            {panel === 'accept' && (
              <div class="confirm" role="group" aria-label="Confirm acceptance">
                <p>Accept this document? The customer’s request is re-evaluated and webhooks are sent.</p>
                <button
                  type="button"
                  class="primary"
                  ref={acceptRef}
                  disabled={busy}
                  onClick={() => void accept()}
                >
                  Confirm acceptance
                </button>
                <button type="button" onClick={() => setPanel('none')}>
                  Cancel
                </button>
              </div>
            )}
            {panel === 'reject' && (
              <form
                class="confirm"
                aria-label="Reject the document"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (reason) void reject();
                }}
              >
                <label for="reject-reason">Reason</label>
                <select
                  id="reject-reason"
                  ref={reasonRef}
                  required
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                >
                  <option value="">Choose a reason…</option>
                  {REJECTION_REASONS.map((r) => (
                    <option value={r}>{humanize(r)}</option>
                  ))}
                </select>
                <label for="reject-message">Message to the customer (optional, 255 characters)</label>
                <textarea
                  id="reject-message"
                  maxLength={255}
                  rows={3}
                  value={reasonMessage}
                  onInput={(e) => setReasonMessage(e.currentTarget.value)}
                />
                <button type="submit" class="danger" disabled={busy || !reason}>
                  Confirm rejection
                </button>
                <button type="button" onClick={() => setPanel('none')}>
                  Cancel
                </button>
              </form>
            )}
          </section>

          <ScoreMeter doc={doc} />
          <Checks doc={doc} />
          <FieldsBeside doc={doc} customer={customer} />
          <Liveness doc={doc} />

          <section aria-labelledby="dup-title">
            <h2 id="dup-title">Possible duplicates</h2>
            {duplicates && duplicates.documentIds.length > 0 ? (
              <>
                <p>
                  {humanize(duplicates.reason)}: the same{' '}
                  {duplicates.reason === 'same-document-number' ? 'document number' : 'portrait'} appears in
                  another customer’s documents.
                </p>
                <ul>
                  {duplicates.documentIds.map((other, i) => (
                    <li key={other}>
                      <a href={`#/documents/${other}`}>{other}</a>
                      {duplicates.customerIds[i] && (
                        <>
                          {' '}
                          of{' '}
                          <a href={`#/customers/${duplicates.customerIds[i]}`}>{duplicates.customerIds[i]}</a>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p class="muted">No other customer’s document matches this one.</p>
            )}
          </section>

          <section aria-labelledby="earlier-title">
            <h2 id="earlier-title">Other documents of this customer</h2>
            {others.length === 0 ? (
              <p class="muted">This is the customer’s only document.</p>
            ) : (
              <ul class="plain">
                {others.map((other) => (
                  <li key={other.id}>
                    <a href={`#/documents/${other.id}`}>
                      {documentTypeLabel(other.documentType)} · {other.status}
                    </a>{' '}
                    <span class="muted">
                      {dateTime(other.createdTime)}
                      {other.documentMatches?.score != null && `, score ${other.documentMatches.score}`}
                      {other.rejectionReason && `, ${humanize(other.rejectionReason.type)}`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <Corrections
            doc={doc}
            disabled={busy}
            onSave={(body) =>
              act('Fields corrected', () => send('POST', `/kyc-documents/${q(id)}/matches`, body))
            }
          />

          <section aria-labelledby="notes-title">
            <h2 id="notes-title">Notes</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void saveNotes();
              }}
            >
              <label for="notes" class="visually-hidden">
                Notes for other reviewers
              </label>
              <textarea
                id="notes"
                ref={notesRef}
                rows={4}
                maxLength={10_000}
                value={notes}
                onInput={(e) => setNotes(e.currentTarget.value)}
                aria-keyshortcuts="n"
              />
              <button type="submit" disabled={busy || notes === (doc.notes ?? '')}>
                Save notes
              </button>
            </form>
          </section>

          <section aria-labelledby="tags-title">
            <h2 id="tags-title">Tags</h2>
            <ul class="tags">
              {doc.tags.map((t) => (
                <li key={t.id}>
                  {t.name}{' '}
                  <button
                    type="button"
                    class="link"
                    onClick={() => void removeTag(t.name)}
                    aria-label={`Remove tag ${t.name}`}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <form
              class="inline"
              onSubmit={(e) => {
                e.preventDefault();
                addTag();
              }}
            >
              <label for="tag">Add a tag</label>
              <input
                id="tag"
                ref={tagRef}
                maxLength={255}
                pattern="[@~\-.\w\s+]+"
                value={tag}
                onInput={(e) => setTag(e.currentTarget.value)}
                aria-keyshortcuts="t"
              />
              <button type="submit" disabled={busy || !tag.trim()}>
                Add
              </button>
            </form>
          </section>

          <section aria-labelledby="evidence-title">
            <h2 id="evidence-title">What the analysis noted</h2>
            {evidence?.evidence.corrections && evidence.evidence.corrections.length > 0 ? (
              <ul>
                {evidence.evidence.corrections.map((c) => (
                  <li key={c.code}>{c.message}</li>
                ))}
              </ul>
            ) : (
              <p class="muted">No hints for the customer.</p>
            )}
          </section>
        </div>
      </div>
      <p class="hint">
        Keys: <kbd>a</kbd> accept, <kbd>r</kbd> reject, <kbd>e</kbd> correct fields, <kbd>n</kbd> notes,{' '}
        <kbd>t</kbd> tag, <kbd>+</kbd>/<kbd>-</kbd>/<kbd>0</kbd> zoom, <kbd>o</kbd> rotate, <kbd>q</kbd>{' '}
        queue, <kbd>Esc</kbd> cancel.
      </p>
    </article>
  );
}

function describeDetail(entry: ReviewAction): string {
  const detail = entry.detail ?? {};
  if (entry.action === 'rejection') {
    return `${humanize(String(detail.type))}${detail.message ? `: ${show(detail.message)}` : ''}`;
  }
  if (entry.action === 'matches' && detail.changed && typeof detail.changed === 'object') {
    return Object.entries(detail.changed as Record<string, { from: unknown; to: unknown }>)
      .map(([field, change]) => `${field} ${show(change.from)} → ${show(change.to)}`)
      .join('; ');
  }
  if (entry.action === 'tag' || entry.action === 'untag') return show(detail.tag);
  if (entry.action === 'notes') return '';
  return '';
}
