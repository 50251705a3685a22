import { readFileSync } from 'node:fs';
import { repoPath } from '@tracing-demo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttributeProbes, probeAttributes } from './attribute-probes.js';

/**
 * The allow-list's credential-key deny in collector/otel-collector.yaml runs only where its
 * prefilter (the span's keys, lowercased, tested for literals) says a key could match. These
 * probes, every one inside a namespace the allow-list keeps, go through the real collector one
 * per span (so each must trigger the prefilter on its own) and all together on one span.
 */
const DELETED = [
  'http.request.header.Authorization',
  'http.request.header.COOKIE',
  'http.response.header.Set-Cookie',
  'app.PassWord',
  'db.connection.PASSWD',
  'app.client_Secret',
  'app.secretariat', // the deny matches anywhere in a key
  'auth.refreshToken',
  'app.API_KEY',
  'app.Api.Key',
  'app.X-Api-Key',
  'app.apikey',
  'order.customer_E-Mail',
  'order.customerEmail',
  'payment.Card_Number',
  'app.paſsword', // ſ (long s) is an s to (?i), but lowercasing leaves it as it is
  'app.ſecret',
  'app.to\u212Aen', // K (Kelvin sign) is a k to (?i); lowercasing makes it one
];
/** Keys that look like credentials, or trip the prefilter, and must stay. */
const KEPT = [
  'app.pass_word',
  'app.passwrd', // passw: the prefilter fires, the deny does not match
  'app.authorisation',
  'app.author',
  'app.secrecy',
  'app.toke',
  'app.api__key',
  'app.api key',
  'app.e_mail', // mail: the prefilter fires, e-?mail does not match
  'app.mailbox',
  'service.mail',
  'app.cart',
  'app.kard',
  'http.route',
  'order.id',
];

/** The deny's pattern as the config has it; Go's (?i) folds case like JavaScript's `iu`. */
function denyPattern(): RegExp {
  const config = readFileSync(repoPath('collector/otel-collector.yaml'), 'utf8');
  const pattern = config.match(/delete_matching_keys\(span\.attributes, "\(\?i\)(.+?)"\)/)?.[1];
  if (!pattern) throw new Error('no delete_matching_keys(span.attributes, "(?i)…") in the config');
  return new RegExp(pattern, 'iu');
}

const KEYS = [...DELETED, ...KEPT];
let probes: AttributeProbes;

// One span per key (each must trigger the prefilter on its own), then one with all of them.
beforeAll(async () => {
  const set = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, 'x']));
  probes = await probeAttributes([...KEYS.map((key) => set([key])), set(KEYS)]);
});

afterAll(async () => {
  await probes?.stop();
});

const keysOf = (index: number) => Object.keys(probes.exported(index)).sort();
const keysOfAlone = (key: string) => keysOf(KEYS.indexOf(key));

describe('the credential-key deny behind its prefilter', () => {
  it('classifies the probes as the deny pattern itself does', () => {
    const deny = denyPattern();
    expect(DELETED.filter((key) => !deny.test(key))).toEqual([]);
    expect(KEPT.filter((key) => deny.test(key))).toEqual([]);
  });

  it('deletes each credential key when it is the only one on its span', () => {
    const survivors = DELETED.filter((key) => keysOfAlone(key).length > 0);
    expect(survivors).toEqual([]);
  });

  it('keeps each look-alike key when it is the only one on its span', () => {
    const lost = KEPT.filter((key) => keysOfAlone(key).join() !== key);
    expect(lost).toEqual([]);
  });

  it('on a span with all of them, deletes exactly the credential keys', () => {
    expect(keysOf(KEYS.length)).toEqual([...KEPT].sort());
  });
});
