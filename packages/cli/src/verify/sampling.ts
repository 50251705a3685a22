import { randomBytes } from 'node:crypto';

/**
 * Which trace ids the collector's baseline policy keeps, for tests that send spans of their own
 * making through the real collector (status.test.ts). verify chooses no trace id any more: it
 * is a trusted synthetic caller of the gateway, whose traces the `synthetic` policy keeps.
 *
 * The baseline is the tail_sampling processor's `probabilistic` policy: it keeps a trace when
 * FNV-1a-64(salt ‖ trace id bytes) is at most percent/100 × 2^64
 * (processor/tailsamplingprocessor/internal/sampling/probabilistic.go, salt
 * "default-hash-seed" unless `hash_salt` is set). A trace id whose hash falls in the lowest
 * 0.1% is kept at any baseline of 0.1% or more. The test against the real collector proves it.
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

export const DEFAULT_HASH_SALT = 'default-hash-seed';

export function fnv1a64(bytes: Uint8Array): bigint {
  let hash = FNV_OFFSET;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  return hash;
}

/** Where the probabilistic policy's hash of `traceIdHex` falls, as a share of [0, 1). */
export function baselineHashShare(traceIdHex: string, salt = DEFAULT_HASH_SALT): number {
  const bytes = Buffer.concat([Buffer.from(salt, 'utf8'), Buffer.from(traceIdHex, 'hex')]);
  return Number(fnv1a64(bytes)) / 2 ** 64;
}

/** A random trace id the baseline policy keeps at `percent` (or more) of traces. */
export function traceIdKeptAt(percent = 0.1, salt = DEFAULT_HASH_SALT): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (baselineHashShare(id, salt) < percent / 100) return id;
  }
}
