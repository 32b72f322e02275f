/** The sign-in form: organization, email, password. The organization is remembered for next time. */
import { useState } from 'preact/hooks';
import { ApiError, signIn, type Session } from './api.ts';

const ORGANIZATION_KEY = 'kycgate-console-organization';

function rememberedOrganization(): string {
  const fromUrl = new URLSearchParams(location.search).get('organization');
  if (fromUrl) return fromUrl;
  try {
    return localStorage.getItem(ORGANIZATION_KEY) ?? '';
  } catch {
    return '';
  }
}

export function SignIn(props: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [organizationId, setOrganizationId] = useState(rememberedOrganization);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(organizationId.trim(), email.trim(), password);
      try {
        localStorage.setItem(ORGANIZATION_KEY, session.organizationId);
      } catch {
        // Not remembered: typed again next time.
      }
      props.onSignedIn(session);
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : 0;
      setError(
        status === 401
          ? 'The email or the password is wrong.'
          : status === 429
            ? 'Too many failed attempts. The account is locked for a while; try again later.'
            : status === 422
              ? 'Fill in the organization, the email and the password.'
              : 'Signing in failed. Check your connection and try again.',
      );
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>kycgate review console</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label for="organization">Organization ID</label>
        <input
          id="organization"
          name="organization"
          required
          autoComplete="organization"
          value={organizationId}
          onInput={(e) => setOrganizationId(e.currentTarget.value)}
        />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autoComplete="username"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
