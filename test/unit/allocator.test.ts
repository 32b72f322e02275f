/** Which allocator the long-running commands start on (src/lib/allocator.ts). */
import { describe, expect, it } from 'vitest';
import { activeAllocator, JEMALLOC_CONF, jemallocEnv } from '../../src/lib/allocator.ts';

const LIB = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const installed = (path: string) => path === LIB;
const missing = () => false;

describe('jemalloc for serve, worker and analyze', () => {
  it('preloads jemalloc with its settings when the library is installed', () => {
    const env = jemallocEnv({ PATH: '/bin' }, { platform: 'linux', exists: installed });
    expect(env).toMatchObject({ PATH: '/bin', LD_PRELOAD: LIB, MALLOC_CONF: JEMALLOC_CONF });
    expect(activeAllocator(env!)).toBe('jemalloc');
    // The child does not start itself again.
    expect(jemallocEnv(env!, { platform: 'linux', exists: installed })).toBeNull();
  });

  it('keeps what the operator set', () => {
    const env = jemallocEnv(
      { LD_PRELOAD: '/opt/libfoo.so', MALLOC_CONF: 'narenas:1' },
      { platform: 'linux', exists: installed },
    );
    expect(env?.LD_PRELOAD).toBe(`${LIB}:/opt/libfoo.so`);
    expect(env?.MALLOC_CONF).toBe('narenas:1');
    // Already preloaded by the operator: nothing to do, and it is reported.
    const preloaded = { LD_PRELOAD: LIB };
    expect(jemallocEnv(preloaded, { platform: 'linux', exists: installed })).toBeNull();
    expect(activeAllocator(preloaded)).toBe('jemalloc');
  });

  it('stays on the system allocator when asked, when the library is missing, or off Linux', () => {
    expect(jemallocEnv({ KYCGATE_ALLOCATOR: 'system' }, { platform: 'linux', exists: installed })).toBeNull();
    expect(jemallocEnv({}, { platform: 'linux', exists: missing })).toBeNull();
    expect(jemallocEnv({}, { platform: 'darwin', exists: installed })).toBeNull();
    expect(activeAllocator({})).toBe('system');
  });

  it('names a bad KYCGATE_ALLOCATOR instead of guessing', () => {
    expect(() =>
      jemallocEnv({ KYCGATE_ALLOCATOR: 'tcmalloc' }, { platform: 'linux', exists: installed }),
    ).toThrow('KYCGATE_ALLOCATOR must be auto or system (got "tcmalloc")');
  });
});
