/**
 * Continue on another device: a QR code and the link open the same visit on a phone (the token travels
 * with it). This page keeps polling the request (the parent does) and moves to the end when the phone
 * has finished every step.
 */
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { I18n } from './i18n.ts';

interface Props {
  i18n: I18n;
  link: string;
  /** Every requested step is settled on the server (the phone finished). */
  done: boolean;
  onBack: () => void;
  onFinished: () => void;
}

export function Handoff({ i18n, link, done, onBack, onFinished }: Props) {
  const { t } = i18n;
  const [qr, setQr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    // A quiet zone of 4 modules, as ISO/IEC 18004 asks: scanners find the code more reliably.
    void QRCode.toDataURL(link, { errorCorrectionLevel: 'L', margin: 4, scale: 4 }).then(setQr);
  }, [link]);
  useEffect(() => {
    if (done) {
      onBack();
      onFinished();
    }
  }, [done, onBack, onFinished]);
  return (
    <section aria-labelledby="handoff-title">
      <h1 id="handoff-title" tabIndex={-1} ref={heading}>
        {t('handoff')}
      </h1>
      <p>{t('handoffBody')}</p>
      {qr && <img class="qr" src={qr} alt={t('handoffQr')} width={220} height={220} />}
      <p class="link-box" data-link={link}>
        {link}
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(link).then(() => setCopied(true));
          }}
        >
          {copied ? t('copied') : t('copyLink')}
        </button>
        <button type="button" class="link" onClick={onBack}>
          {t('handoffHere')}
        </button>
      </div>
      <p class="busy" role="status" aria-live="polite">
        {t('handoffWaiting')}
      </p>
    </section>
  );
}
