/**
 * The review console: sign-in, then three screens chosen by the address bar's hash — the queue (`#/`),
 * a document (`#/documents/<id>`) and a customer (`#/customers/<id>`). The session token lives in this
 * tab's session storage only, so closing the tab forgets it; signing out revokes it on the server.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { send, useToken, type Session } from './api.ts';
import { CustomerView } from './customer-view.tsx';
import { DocumentView } from './document-view.tsx';
import { Queue } from './queue.tsx';
import { SignIn } from './sign-in.tsx';
import './styles.css';

const SESSION_KEY = 'kycgate-console-session';

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const session = raw ? (JSON.parse(raw) as Session) : null;
    return session && Date.parse(session.expiredTime) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function saveSession(session: Session | null): void {
  try {
    if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage blocked: the session lasts until the page is reloaded.
  }
}

type Route = { screen: 'queue' } | { screen: 'document'; id: string } | { screen: 'customer'; id: string };

function parseRoute(hash: string): Route {
  const document = /^#\/documents\/([\w.@~-]+)$/.exec(hash);
  if (document) return { screen: 'document', id: document[1]! };
  const customer = /^#\/customers\/([\w.@~-]+)$/.exec(hash);
  if (customer) return { screen: 'customer', id: customer[1]! };
  return { screen: 'queue' };
}

function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [notice, setNotice] = useState<string | null>(null);

  useToken(session?.token ?? null, () => {
    saveSession(null);
    setSession(null);
    setNotice('Your session has ended. Please sign in again.');
  });

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const titles = { queue: 'Review queue', document: 'Document', customer: 'Customer' };
    document.title = session ? `${titles[route.screen]} · kycgate console` : 'Sign in · kycgate console';
  }, [route, session]);

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s);
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }

  const signOut = async () => {
    try {
      await send('DELETE', '/reviewer-sessions/current');
    } catch {
      // Already ended on the server: forgetting it here is all that is left.
    }
    saveSession(null);
    setSession(null);
    setNotice('You have signed out.');
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          kycgate review
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.screen === 'queue' ? 'page' : undefined}>
            Queue
          </a>
        </nav>
        <div class="who">
          <span>
            Signed in as <strong>{session.reviewer.name}</strong> ({session.reviewer.role})
          </span>
          <button type="button" class="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route.screen === 'queue' && <Queue session={session} />}
        {route.screen === 'document' && <DocumentView key={route.id} id={route.id} session={session} />}
        {route.screen === 'customer' && <CustomerView key={route.id} id={route.id} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
