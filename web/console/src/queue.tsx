/**
 * The queue: documents waiting for a person, oldest first, with who is reviewing each. Filters (type,
 * customer, request, age) go to the server as a Rebilly `filter`. Keys: `j`/`k` move between documents,
 * Enter opens one, `g` refreshes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getPage, q, type QueueItem, type Session } from './api.ts';
import { age, dateTime, DOCUMENT_TYPES, documentTypeLabel, humanize } from './format.ts';
import { useShortcuts } from './shortcuts.ts';

const AGES: [string, string, number][] = [
  ['any', 'Any age', 0],
  ['1h', 'Waiting over 1 hour', 3600_000],
  ['24h', 'Waiting over 24 hours', 86_400_000],
  ['7d', 'Waiting over 7 days', 7 * 86_400_000],
];
const PAGE_SIZE = 50;
const REFRESH_MS = 30_000;

interface Filters {
  documentType: string;
  customerId: string;
  requestId: string;
  age: string;
}

const ID = /^[\w.@~-]{1,50}$/;

function filterOf(filters: Filters): string {
  const parts: string[] = [];
  if (filters.documentType) parts.push(`documentType:${filters.documentType}`);
  if (ID.test(filters.customerId.trim())) parts.push(`customerId:${filters.customerId.trim()}`);
  if (ID.test(filters.requestId.trim())) parts.push(`requestId:${filters.requestId.trim()}`);
  const ms = AGES.find(([key]) => key === filters.age)?.[2] ?? 0;
  if (ms > 0) parts.push(`createdTime:..${new Date(Date.now() - ms).toISOString()}`);
  return parts.join(';');
}

export function Queue(props: { session: Session }) {
  const [filters, setFilters] = useState<Filters>({
    documentType: '',
    customerId: '',
    requestId: '',
    age: 'any',
  });
  const [applied, setApplied] = useState(filters);
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const list = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    let live = true;
    const filter = filterOf(applied);
    getPage<QueueItem>(`/review-queue?limit=${PAGE_SIZE}${filter ? `&filter=${q(filter)}` : ''}`)
      .then((page) => {
        if (!live) return;
        setItems(page.items);
        setTotal(page.total);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (live) setError(caught instanceof ApiError ? caught.message : 'The queue could not be loaded.');
      });
    return () => {
      live = false;
    };
  }, [applied, tick]);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const move = (step: number) => {
    const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a.open') ?? [])];
    if (links.length === 0) return;
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[Math.min(links.length - 1, Math.max(0, index + step))] ?? links[0]!;
    next.focus();
  };
  useShortcuts({ j: () => move(1), k: () => move(-1), g: () => setTick((t) => t + 1) });

  const set = (key: keyof Filters) => (event: Event) =>
    setFilters({ ...filters, [key]: (event.currentTarget as HTMLInputElement).value });

  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">Review queue</h1>
      <form
        class="filters"
        aria-label="Filter the queue"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(filters);
        }}
      >
        <div>
          <label for="f-type">Type</label>
          <select id="f-type" value={filters.documentType} onChange={set('documentType')}>
            <option value="">All types</option>
            {DOCUMENT_TYPES.map((type) => (
              <option value={type}>{documentTypeLabel(type)}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-customer">Customer ID</label>
          <input id="f-customer" value={filters.customerId} onInput={set('customerId')} />
        </div>
        <div>
          <label for="f-request">Request ID</label>
          <input id="f-request" value={filters.requestId} onInput={set('requestId')} />
        </div>
        <div>
          <label for="f-age">Age</label>
          <select id="f-age" value={filters.age} onChange={set('age')}>
            {AGES.map(([key, label]) => (
              <option value={key}>{label}</option>
            ))}
          </select>
        </div>
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </form>

      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p role="status" class="count">
        {items === null ? 'Loading…' : `${total} document${total === 1 ? '' : 's'} awaiting review`}
        {items !== null && total > items.length && ` (the oldest ${items.length} are shown)`}
      </p>
      {items && items.length > 0 && (
        <table class="queue">
          <caption class="visually-hidden">Documents awaiting review, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Waiting</th>
              <th scope="col">Document</th>
              <th scope="col">Customer</th>
              <th scope="col">Score</th>
              <th scope="col">Failed checks</th>
              <th scope="col">Reviewer</th>
            </tr>
          </thead>
          <tbody ref={list}>
            {items.map((item) => (
              <tr key={item.id} class={item.reviewerId ? 'claimed' : undefined}>
                <td>
                  <span title={dateTime(item.createdTime)}>{age(item.createdTime)}</span>
                </td>
                <td>
                  <a class="open" href={`#/documents/${item.id}`}>
                    {documentTypeLabel(item.documentType)}
                    {item.documentSubtype ? ` · ${humanize(item.documentSubtype)}` : ''}
                  </a>
                  <div class="id">{item.id}</div>
                </td>
                <td>
                  <a href={`#/customers/${item.customerId}`}>{item.customerName ?? item.customerId}</a>
                </td>
                <td>
                  {item.score ?? '—'}
                  {item.acceptAbove !== null && (
                    <span class="muted">
                      {' '}
                      (reject &lt; {item.rejectBelow}, accept ≥ {item.acceptAbove})
                    </span>
                  )}
                </td>
                <td>{item.failedChecks.length ? item.failedChecks.map(humanize).join(', ') : '—'}</td>
                <td>
                  {item.reviewerId === props.session.reviewer.id
                    ? 'You'
                    : (item.reviewerName ?? <span class="muted">Nobody</span>)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint">
        Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous document, <kbd>Enter</kbd> open, <kbd>g</kbd> refresh.
      </p>
    </section>
  );
}
