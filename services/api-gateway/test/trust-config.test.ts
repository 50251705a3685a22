import { ConfigError } from '@tracing-demo/service-kit';
import { describe, expect, it } from 'vitest';
import { trustFromEnv } from '../src/config.js';

describe("the gateway's trusted callers", () => {
  it('are nobody by default', () => {
    expect(trustFromEnv({})).toEqual({ trustedNetworks: [], syntheticToken: undefined });
  });

  it('come from TRUSTED_NETWORKS and SYNTHETIC_TOKEN', () => {
    expect(
      trustFromEnv({
        TRUSTED_NETWORKS: ' 10.0.0.0/8, fd00::/8 ,',
        SYNTHETIC_TOKEN: 'a-synthetic-traffic-token',
      }),
    ).toEqual({
      trustedNetworks: ['10.0.0.0/8', 'fd00::/8'],
      syntheticToken: 'a-synthetic-traffic-token',
    });
  });

  it('refuse a network that is not a CIDR, naming it', () => {
    expect(() => trustFromEnv({ TRUSTED_NETWORKS: '10.0.0.0/8,intranet' })).toThrow(
      new ConfigError(
        "TRUSTED_NETWORKS must be comma-separated CIDRs like 10.0.0.0/8 (got 'intranet')",
      ),
    );
  });

  it('refuse a short token without showing it', () => {
    expect(() => trustFromEnv({ SYNTHETIC_TOKEN: 'guessable' })).toThrow(
      'SYNTHETIC_TOKEN must be at least 16 characters',
    );
  });
});
