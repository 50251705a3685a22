import { describe, expect, it } from 'vitest';
import { applyEnvDefaults } from '../src/sdk.js';

describe('applyEnvDefaults', () => {
  it("records every span unless told otherwise: sampling is the collector's", () => {
    const env: NodeJS.ProcessEnv = {};
    applyEnvDefaults(env);
    expect(env.OTEL_TRACES_SAMPLER).toBe('always_on');
  });

  it('leaves a sampler that is set alone', () => {
    const env: NodeJS.ProcessEnv = { OTEL_TRACES_SAMPLER: 'traceidratio' };
    applyEnvDefaults(env);
    expect(env.OTEL_TRACES_SAMPLER).toBe('traceidratio');
  });
});
