/**
 * Boot: take the token from `?token=` (then drop it from the address bar, so it is not in the history, a
 * bookmark or a screenshot) or from this tab's session storage after a reload; pick the language; render.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { decodeToken } from './api.ts';
import { App, type Session } from './app.tsx';
import { loadI18n, pickLanguage, type I18n } from './i18n.ts';
import './styles.css';

const TOKEN_KEY = 'kycgate-gatherer-token';

function readSession(): { session: Session | null; lang: string | null } {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  const lang = url.searchParams.get('lang');
  let token = fromUrl;
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage blocked (some iframes): a reload then needs the link again.
    }
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  } else {
    try {
      token = sessionStorage.getItem(TOKEN_KEY);
    } catch {
      token = null;
    }
  }
  const claims = token ? decodeToken(token) : null;
  if (!token || !claims) return { session: null, lang };
  // The short link (/g/<token row id><start of the signature>) when the token allows it; else the full one.
  const signature = token.split('.')[2] ?? '';
  const link =
    claims.jti?.startsWith('jwt_') && signature.length >= 10
      ? `${window.location.origin}/g/${claims.jti.slice(4)}${signature.slice(0, 10)}`
      : `${window.location.origin}${window.location.pathname}?token=${encodeURIComponent(token)}`;
  return {
    session: {
      token,
      requestId: claims.kycRequestId,
      redirectUrl: claims.redirectUrl,
      link,
      expired: claims.exp * 1000 <= Date.now(),
    },
    lang,
  };
}

function Root() {
  const [{ session, lang: queryLang }] = useState(readSession);
  const [lang, setLang] = useState(() =>
    pickLanguage(queryLang, navigator.languages ?? [navigator.language]),
  );
  const [i18n, setI18n] = useState<I18n | null>(null);
  useEffect(() => {
    let live = true;
    void loadI18n(lang).then((loaded) => {
      if (!live) return;
      document.documentElement.lang = loaded.lang;
      document.documentElement.dir = loaded.rtl ? 'rtl' : 'ltr';
      setI18n(loaded);
    });
    return () => {
      live = false;
    };
  }, [lang]);
  if (!i18n) return null;
  if (!session) {
    return (
      <div class="page" dir={i18n.rtl ? 'rtl' : 'ltr'}>
        <main id="main">
          <section data-info="token_expired">
            <h1>{i18n.t('expiredTitle')}</h1>
            <p>{i18n.t('expiredBodyGeneric')}</p>
          </section>
        </main>
      </div>
    );
  }
  return <App session={session} i18n={i18n} onLanguage={setLang} />;
}

render(<Root />, document.getElementById('app')!);
