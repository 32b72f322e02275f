/** A fraud signal: plain data out, folded into a finding (`isTampered`, `isPhotocopy`, …) by the pipeline. */
import type { Finding } from '../analyzer.ts';
import type { CheckName } from '../vocabulary.ts';

export interface FraudSignal {
  detected: boolean;
  /** Machine-readable: why it was detected (e.g. `editing-software`, `grayscale`), null when not. */
  reason: string | null;
}

/** The finding a signal sets: failed when detected, with the signal's reason. */
export function signalFinding(name: CheckName, signal: FraudSignal): Finding {
  return { name, failed: signal.detected, reason: signal.detected ? signal.reason : null };
}
