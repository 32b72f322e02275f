/** One customer: their record, every KYC request and document, and the history of events about them. */
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  get,
  getPage,
  q,
  type Customer,
  type KycDocument,
  type KycEvent,
  type KycRequest,
} from './api.ts';
import { customerName, dateTime, documentTypeLabel, humanize, show } from './format.ts';

const RECORD_FIELDS: [string, string][] = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['dob', 'Date of birth'],
  ['address', 'Address'],
  ['address2', 'Address line 2'],
  ['city', 'City'],
  ['region', 'Region'],
  ['postalCode', 'Postal code'],
  ['country', 'Country'],
];

export function CustomerView(props: { id: string }) {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [requests, setRequests] = useState<KycRequest[]>([]);
  const [documents, setDocuments] = useState<KycDocument[]>([]);
  const [events, setEvents] = useState<KycEvent[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const filter = q(`customerId:${props.id}`);
    Promise.all([
      get<Customer>(`/customers/${q(props.id)}`),
      getPage<KycRequest>(`/kyc-requests?filter=${filter}&sort=-createdTime&limit=100`),
      getPage<KycDocument>(`/kyc-documents?filter=${filter}&sort=-createdTime&limit=200`),
      getPage<KycEvent>(`/events?filter=${filter}&sort=-createdTime&limit=200`).catch(() => ({ items: [] })),
    ])
      .then(([c, r, d, e]) => {
        if (!live) return;
        setCustomer(c);
        setRequests(r.items);
        setDocuments(d.items);
        setEvents(e.items);
      })
      .catch((caught: unknown) => {
        if (live) setError(caught instanceof ApiError ? caught.message : 'The customer could not be loaded.');
      });
    return () => {
      live = false;
    };
  }, [props.id]);

  if (error) {
    return (
      <section>
        <h1>Customer</h1>
        <p class="error" role="alert">
          {error}
        </p>
      </section>
    );
  }
  if (!customer) return <p role="status">Loading the customer…</p>;
  const record = customer.primaryAddress ?? {};

  return (
    <article aria-labelledby="customer-title">
      <p>
        <a href="#/">← Back to the queue</a>
      </p>
      <h1 id="customer-title">{customerName(customer)}</h1>
      <dl class="summary">
        <div>
          <dt>Customer ID</dt>
          <dd class="id">{customer.id}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{show(customer.email)}</dd>
        </div>
        <div>
          <dt>KYC fulfilled</dt>
          <dd>{customer.hasFulfilledKyc ? 'yes' : 'no'}</dd>
        </div>
        <div>
          <dt>Customer since</dt>
          <dd>{dateTime(customer.createdTime)}</dd>
        </div>
      </dl>

      <section aria-labelledby="record-title">
        <h2 id="record-title">Record</h2>
        <dl class="rest">
          {RECORD_FIELDS.map(([key, label]) => (
            <div key={key}>
              <dt>{label}</dt>
              <dd>{show(record[key])}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="requests-title">
        <h2 id="requests-title">KYC requests</h2>
        {requests.length === 0 ? (
          <p class="muted">No requests.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">Documents asked</th>
                <th scope="col">Reason</th>
                <th scope="col">ID</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr key={r.id}>
                  <td>{dateTime(r.createdTime)}</td>
                  <td>{humanize(r.status)}</td>
                  <td>{r.documents.map((d) => documentTypeLabel(d.type)).join(', ')}</td>
                  <td>{show(r.reason)}</td>
                  <td class="id">{r.id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="documents-title">
        <h2 id="documents-title">Documents</h2>
        {documents.length === 0 ? (
          <p class="muted">No documents.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Uploaded</th>
                <th scope="col">Document</th>
                <th scope="col">Status</th>
                <th scope="col">Score</th>
                <th scope="col">Reviewer</th>
                <th scope="col">Request</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr key={d.id}>
                  <td>{dateTime(d.createdTime)}</td>
                  <td>
                    <a href={`#/documents/${d.id}`}>{documentTypeLabel(d.documentType)}</a>
                  </td>
                  <td>
                    {d.status}
                    {d.rejectionReason && ` (${humanize(d.rejectionReason.type)})`}
                  </td>
                  <td>{d.documentMatches?.score ?? '—'}</td>
                  <td>{d.reviewerName ?? '—'}</td>
                  <td class="id">{d.requestId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {events.length === 0 ? (
          <p class="muted">No events.</p>
        ) : (
          <ol class="log">
            {events.map((e) => (
              <li key={e.id}>
                <time dateTime={e.createdTime}>{dateTime(e.createdTime)}</time> {humanize(e.eventType)}
                {e.resourceId && <span class="muted id"> {e.resourceId}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
