/**
 * Running a script with the network cut off, for the tests that prove nothing is fetched at run time: a
 * child process inside a network namespace with no interfaces (`unshare -n`, or `unshare -rn` without
 * root), from an empty cwd the test can check stays empty.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OfflineSandbox {
  /** The `unshare` arguments that work here; null where network namespaces are not permitted. */
  ns: string[] | null;
  /** A scratch folder for the test's inputs and script. */
  work: string;
  /** The child's empty working directory. */
  cwd: string;
  cleanup: () => void;
}

function unshareArgs(): string[] | null {
  for (const args of [['-n'], ['-rn']]) {
    try {
      execFileSync('unshare', [...args, 'true'], { stdio: 'ignore' });
      return args;
    } catch {
      // try the next form
    }
  }
  return null;
}

/** `name` labels the temporary folders and the skip message. */
export function offlineSandbox(name: string): OfflineSandbox {
  const ns = unshareArgs();
  if (!ns) console.error(`[${name}] skipped: \`unshare -n\` / \`unshare -rn\` is not permitted here`);
  const work = mkdtempSync(path.join(tmpdir(), `kycgate-${name}-`));
  const cwd = mkdtempSync(path.join(tmpdir(), `kycgate-${name}-cwd-`));
  return {
    ns,
    work,
    cwd,
    cleanup: () => {
      rmSync(work, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
