/** Why the analysis decided as it did: the score against the thresholds, each check, fields vs customer. */
import type { Customer, KycDocument } from './api.ts';
import { humanize, show } from './format.ts';

export function ScoreMeter(props: { doc: KycDocument }) {
  const matches = props.doc.documentMatches;
  const thresholds = props.doc.settings?.thresholds;
  const score = matches?.score ?? null;
  const band =
    score === null || !thresholds
      ? null
      : score >= thresholds.acceptAbove
        ? 'in the accept band'
        : score < thresholds.rejectBelow
          ? 'in the reject band'
          : 'in the manual-review band';
  return (
    <section aria-labelledby="score-title">
      <h2 id="score-title">Score</h2>
      {score === null ? (
        <p class="muted">
          No score: this document type is not analysed automatically, or analysis did not finish.
        </p>
      ) : (
        <>
          <p class="score" data-testid="score">
            <strong>{score}</strong> / 100
            {thresholds && (
              <>
                {' '}
                — {band} (rejected below {thresholds.rejectBelow}, accepted from {thresholds.acceptAbove})
              </>
            )}
          </p>
          {thresholds && (
            <div class="meter" aria-hidden="true">
              <div class="meter-reject" style={{ width: `${thresholds.rejectBelow}%` }} />
              <div
                class="meter-manual"
                style={{ width: `${Math.max(0, thresholds.acceptAbove - thresholds.rejectBelow)}%` }}
              />
              <div class="meter-accept" />
              <div class="meter-mark" style={{ left: `calc(${score}% - 2px)` }} />
            </div>
          )}
        </>
      )}
    </section>
  );
}

export function Checks(props: { doc: KycDocument }) {
  const checks = props.doc.documentMatches?.checkList ?? [];
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">Checks</h2>
      {checks.length === 0 ? (
        <p class="muted">No checks were run.</p>
      ) : (
        <table class="checks">
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Result</th>
              <th scope="col">Weight</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {[...checks]
              .sort((a, b) => Number(b.failed) - Number(a.failed) || b.score - a.score)
              .map((check) => (
                <tr key={check.name} class={check.failed ? 'failed' : undefined}>
                  <th scope="row">{humanize(check.name)}</th>
                  <td>{check.failed ? '✗ failed' : '✓ passed'}</td>
                  <td>{check.failed ? `−${check.score}` : check.score}</td>
                  <td>{check.reason ? humanize(check.reason) : '—'}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Document field → the customer's record field it is compared with, per document type. */
const COMPARED: Record<string, [string, string, string][]> = {
  'identity-proof': [
    ['firstName', 'firstName', 'First name'],
    ['lastName', 'lastName', 'Last name'],
    ['dateOfBirth', 'dob', 'Date of birth'],
  ],
  'address-proof': [
    ['firstName', 'firstName', 'First name'],
    ['lastName', 'lastName', 'Last name'],
    ['line1', 'address', 'Address'],
    ['city', 'city', 'City'],
    ['region', 'region', 'Region'],
    ['postalCode', 'postalCode', 'Postal code'],
  ],
  'funds-proof': [
    ['firstName', 'firstName', 'First name'],
    ['lastName', 'lastName', 'Last name'],
  ],
  'purchase-proof': [
    ['firstName', 'firstName', 'First name'],
    ['lastName', 'lastName', 'Last name'],
  ],
};
const SHOWN_ELSEWHERE = new Set(['hasCompletedFaceLiveness', 'hasMatchingFaceProof']);

const normalize = (value: unknown) =>
  show(value)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();

export function FieldsBeside(props: { doc: KycDocument; customer: Customer | null }) {
  const data = props.doc.documentMatches?.data ?? {};
  const record = props.customer?.primaryAddress ?? {};
  const compared = COMPARED[props.doc.documentType] ?? [];
  const comparedKeys = new Set(compared.map(([key]) => key));
  const rest = Object.entries(data).filter(([key]) => !comparedKeys.has(key) && !SHOWN_ELSEWHERE.has(key));
  return (
    <section aria-labelledby="fields-title">
      <h2 id="fields-title">Extracted fields and the customer record</h2>
      {compared.length > 0 && (
        <table class="fields">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">On the document</th>
              <th scope="col">Customer record</th>
              <th scope="col">Same?</th>
            </tr>
          </thead>
          <tbody>
            {compared.map(([key, recordKey, label]) => {
              const onDocument = data[key];
              const inRecord = record[recordKey];
              const same =
                onDocument == null || inRecord == null ? null : normalize(onDocument) === normalize(inRecord);
              return (
                <tr key={key} class={same === false ? 'failed' : undefined}>
                  <th scope="row">{label}</th>
                  <td>{show(onDocument)}</td>
                  <td>{show(inRecord)}</td>
                  <td>{same === null ? 'unknown' : same ? 'yes' : 'no'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {rest.length > 0 && (
        <dl class="rest">
          {rest.map(([key, value]) => (
            <div key={key}>
              <dt>{humanize(key)}</dt>
              <dd>{show(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {compared.length === 0 && rest.length === 0 && <p class="muted">Nothing was extracted.</p>}
    </section>
  );
}

export function Liveness(props: { doc: KycDocument }) {
  if (props.doc.documentType !== 'identity-proof') return null;
  const data = props.doc.documentMatches?.data ?? {};
  return (
    <section aria-labelledby="liveness-title">
      <h2 id="liveness-title">Selfie and liveness</h2>
      <dl class="rest">
        <div>
          <dt>Selfie matches the document photo</dt>
          <dd data-testid="face-match">{show(data.hasMatchingFaceProof ?? null)}</dd>
        </div>
        <div>
          <dt>Liveness check completed</dt>
          <dd data-testid="liveness">{show(data.hasCompletedFaceLiveness ?? null)}</dd>
        </div>
      </dl>
    </section>
  );
}
