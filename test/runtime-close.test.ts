/**
 * Shutdown: what `createDeps` opened is closed by `closeDeps`, including the face engine that liveness
 * sessions use in the API process (it is not an analyzer, so the worker never closed it).
 */
import { describe, expect, it } from 'vitest';

import { createHumanFaceEngine } from '../src/analysis/face/human-engine.ts';
import { closeDeps } from '../src/runtime.ts';
import { createTestApp } from './helpers/app.ts';

describe('closing the runtime', () => {
  it('closes the liveness face engine and the database', async () => {
    const engine = createHumanFaceEngine();
    const t = await createTestApp({}, { faceEngine: engine, analyzers: [] });
    expect(t.deps.faceEngine).toBe(engine);
    await t.app.close();
    await closeDeps(t.deps);
    // A closed engine refuses work instead of loading its models again.
    await expect(engine.detect(Buffer.from('not an image'))).rejects.toThrow(/closed/);
    await expect(t.deps.db.kysely.selectFrom('organizations').select('id').execute()).rejects.toThrow();
  });
});
