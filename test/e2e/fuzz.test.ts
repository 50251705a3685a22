/**
 * A property-based fuzz of the public API (fast-check) against the stack's running gateway:
 * random JSON bodies and types, oversized and deeply nested values, random credentials, trace
 * context and baggage, random paths, methods and content types. Every answer must be a 2xx-4xx
 * within the gateway's longest upstream timeout; afterwards every service is still ready, no
 * SERVER span of the run is an error (none answered a 5xx, so none may count against the SLO), and
 * no secret-like value the fuzz planted (a marker in passwords, e-mails, tokens, baggage, query
 * strings and header values; its card numbers; every token it sent) is in any stored span.
 *
 * The seed is fixed and printed: FUZZ_SEED=<n> replays or varies it, FUZZ_RUNS=<n> sets the runs
 * per property. A failure prints fast-check's shrunk counterexample, its seed and path.
 */

import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { scrape, sumOf } from '@tracing-demo/otlp';
import fc from 'fast-check';
import { base64url, type JWK } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { inParallel } from './support/client.ts';
import { jaegerStore, storedDocument, sweepStore } from './support/jaeger.ts';
import { BASELINE_RATIO } from './support/parameters.ts';
import { pipelineIdle } from './support/pipeline.ts';

const stack = inject('stack');
const store = jaegerStore(stack.jaeger);

const SEED = Number(process.env.FUZZ_SEED ?? 22_0522);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** The gateway's longest upstream wait (POST /api/orders: 15 s, routes/orders.ts) and a margin. */
const REQUEST_TIMEOUT_MS = 15_000 + 5_000;

/** Every planted secret-like value carries MARKER (or is a CARD, or a token in `sentTokens`). */
const MARKER = 'ZQSECRET';
const LEAKED_MARKER = /ZQSECRET[a-z0-9]{8}/;
const CARD_PREFIX = '40007319';
const LEAKED_CARD = /4000[ -]?7319[ -]?\d{4}[ -]?\d{4}/;
/** Tokens as they would appear in a document; shorter ones could match by chance. */
const JWT_SHAPED = /[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const MIN_TOKEN_LENGTH = 20;
/** As test/e2e/no-secrets.test.ts: any credential after "Bearer" (the word alone is fine). */
const BEARER = /Bearer\s+(?!<)[A-Za-z0-9._~+/-]{8,}/;

/** One request as sent; `auth` is signed when sent (signing is async). */
interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  auth?: Auth;
  /** Sent from outside the trusted networks (OUTSIDE_ADDRESS). */
  outside?: boolean;
  /** With the stack's synthetic token: trusted, and its trace kept by the tail sampler. */
  synthetic?: boolean;
}

type Auth =
  | { kind: 'header'; value: string }
  | { kind: 'valid' }
  | { kind: 'tampered'; sub: string }
  | { kind: 'wrong-key'; kid: 'real' | 'unknown'; claims: Record<string, unknown> }
  | { kind: 'hs256-with-public-key' };

interface Answer {
  status: number;
  ms: number;
  text: string;
}

/** What the run sent and got back, for the final checks. */
const context = {
  sentTokens: new Set<string>(),
  traceIds: new Set<string>(),
  requests: 0,
  byStatus: new Map<number, number>(),
  started: Date.now(),
  serverErrorsBefore: 0,
};

/** SERVER spans with status ERROR, every service's, as the span metrics (and the SLO) count them. */
const serverErrors = async () =>
  sumOf(await scrape(stack.collectorMetrics), 'traces_span_metrics_calls_total', {
    span_kind: 'SPAN_KIND_SERVER',
    status_code: 'STATUS_CODE_ERROR',
  });
/** Alice's real token, auth-service's public key and a key it never published (beforeAll). */
let keys: { token: string; jwk: JWK; wrongKey: KeyObject };

// --- values -------------------------------------------------------------------------------

const marker = fc.stringMatching(/^[a-z0-9]{8}$/).map((suffix) => `${MARKER}${suffix}`);
const card = fc
  .tuple(fc.stringMatching(/^[0-9]{8}$/), fc.constantFrom('', ' ', '-'))
  .map(([digits, sep]) =>
    sep === ''
      ? `${CARD_PREFIX}${digits}`
      : [CARD_PREFIX.slice(0, 4), CARD_PREFIX.slice(4), digits.slice(0, 4), digits.slice(4)].join(
          sep,
        ),
  );
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
/** Any UTF-16 text: unicode, control characters, lone surrogates. */
const text = fc.oneof(fc.string(), fc.string({ unit: anyChar }), fc.string({ unit: 'grapheme' }));
/** A secret-like text: the marker among random characters. */
const secretText = fc.tuple(text, marker, text).map((parts) => parts.join(''));
/** Characters a header value can carry over HTTP/1.1 (tab, visible ASCII, Latin-1; no DEL). */
const headerChar = fc
  .integer({ min: 0x09, max: 0xff })
  .filter((c) => c === 0x09 || (c >= 0x20 && c !== 0x7f))
  .map((code) => String.fromCharCode(code));
const headerText = fc.string({ unit: headerChar, maxLength: 200 });
const secretHeaderText = fc.tuple(headerText, marker, headerText).map((parts) => parts.join(''));
const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
const b64 = (value: unknown) =>
  base64url.encode(typeof value === 'string' ? value : JSON.stringify(value));

/** Number literals JSON.parse turns into Infinity, -0, lost precision or a tiny float. */
const numberLiteral = fc.oneof(
  fc.constantFrom(
    '1e309',
    '-1e309',
    '-0',
    '1E+2',
    '0.0000000000000000000000001',
    '9007199254740993',
    '123456789012345678901234567890',
    '1.5',
    '0',
  ),
  fc.double().filter(Number.isFinite).map(String),
  fc.bigInt().map(String),
);
/** Values of a wrong or surprising type, as JSON text. */
const oddValue: fc.Arbitrary<string> = fc.oneof(
  numberLiteral,
  fc.constantFrom(
    'null',
    'true',
    'false',
    '[]',
    '{}',
    '"NaN"',
    '"Infinity"',
    '"-0"',
    '"undefined"',
    '"null"',
    '""',
    '" "',
    '"\\u0000"',
    '"\\ud800"',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  text.map((s) => JSON.stringify(s)),
);
/** `depth` nested arrays or objects around a value. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 7000 }), fc.constantFrom('array', 'object'), fc.boolean())
  .map(([depth, shape, closed]) => {
    const open = shape === 'array' ? '['.repeat(depth) : '{"a":'.repeat(depth);
    const close = shape === 'array' ? ']'.repeat(depth) : '}'.repeat(depth);
    return `${open}1${closed ? close : close.slice(1)}`;
  });
const huge = fc
  .tuple(fc.integer({ min: 1_000, max: 40_000 }), marker)
  .map(([length, secret]) => JSON.stringify(`${secret}${'x'.repeat(length)}`));

/** A field's value as JSON text: usually plausible, often not. */
const fieldValue = (plausible: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 4, arbitrary: plausible },
    { weight: 2, arbitrary: oddValue },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: huge },
  );

/** A JSON object from its fields' texts, some left out, extra ones added, keys repeated. */
const objectText = (fields: Record<string, fc.Arbitrary<string>>) =>
  fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.array(
        fc.tuple(
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom('__proto__', 'constructor', 'role', 'email'),
          ),
          oddValue,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([known, extra]) => {
      const members = [...Object.entries(known), ...extra].map(
        ([k, v]) => `${JSON.stringify(k)}:${v}`,
      );
      return `{${members.join(',')}}`;
    });

const email = fc.oneof(
  marker.map((m) => `${m}@example.com`),
  fc.constantFrom('alice@example.com', 'nobody@example.com'),
  fc.emailAddress(),
);
const loginBody = objectText({
  email: fieldValue(email.map((e) => JSON.stringify(e))),
  password: fieldValue(secretText.map((s) => JSON.stringify(s))),
});

const sku = fc.oneof(
  fc.constantFrom('SKU-COFFEE', 'SKU-MUG', 'SKU-FILTER', 'SKU-GRINDER'),
  fc.stringMatching(/^[A-Z0-9-]{1,32}$/),
  text,
);
const quantity = fc.oneof(fc.integer({ min: -5, max: 120 }).map(String), numberLiteral);
const item = objectText({
  sku: fieldValue(sku.map((s) => JSON.stringify(s))),
  quantity: fieldValue(quantity),
});
const orderBody = objectText({
  items: fieldValue(fc.array(item, { maxLength: 22 }).map((items) => `[${items.join(',')}]`)),
  paymentMethod: fieldValue(
    fc.oneof(fc.constantFrom('card', 'wallet', 'CARD', 'cash'), text).map((s) => JSON.stringify(s)),
  ),
  cardNumber: fieldValue(fc.oneof(card, secretText).map((s) => JSON.stringify(s))),
});
/** An order the gateway's schema accepts: order-service and payment-service get to see it. */
const validOrder = fc
  .record(
    {
      items: fc.array(
        fc.record({
          sku: fc.oneof(
            sku.filter((s) => /^[A-Z0-9-]{1,32}$/.test(s)),
            fc.constant('SKU-MUG'),
          ),
          quantity: fc.integer({ min: 1, max: 100 }),
        }),
        { minLength: 1, maxLength: 20 },
      ),
      paymentMethod: fc.constantFrom('card', 'wallet'),
      cardNumber: card.filter((c) => /^\d+$/.test(c)),
    },
    { requiredKeys: ['items', 'paymentMethod'] },
  )
  .map((order) => JSON.stringify(order));
/** A body that is not JSON, or not quite. */
const brokenBody = fc.oneof(
  secretText,
  fc
    .tuple(fc.oneof(loginBody, orderBody), fc.nat())
    .map(([body, cut]) => body.slice(0, cut % Math.max(body.length, 1))),
  fc.oneof(loginBody, orderBody).map((body) => `\uFEFF${body}`),
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"string"',
    '1',
    'NaN',
    'undefined',
    '{',
    '{"a":1}}',
    '{"a":1,}',
  ),
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/json;',
      'application/json ; foo=bar',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=x',
      '*/*',
      'application/*',
      'json',
    ),
  },
  { weight: 1, arbitrary: headerText },
);

// --- headers ------------------------------------------------------------------------------

const traceparent = fc.oneof(
  fc
    .tuple(hex(32), hex(16), fc.constantFrom('00', '01', '03', 'ff'))
    .map(([t, s, f]) => `00-${t}-${s}-${f}`),
  fc
    .tuple(hex(32), hex(16))
    .chain(([t, s]) =>
      fc.constantFrom(
        `ff-${t}-${s}-01`,
        `01-${t}-${s}-01-extra`,
        `00-${t}-${s}-01-extra`,
        `00-${'0'.repeat(32)}-${s}-01`,
        `00-${t}-${'0'.repeat(16)}-01`,
        `00-${t.toUpperCase()}-${s}-01`,
        `00-${t.slice(1)}-${s}-01`,
        `00-${t}-${s}-1`,
        ` 00-${t}-${s}-01 `,
        `00_${t}_${s}_01`,
        `00-${t}-${s}-01${'a'.repeat(5000)}`,
      ),
    ),
  headerText,
);
const tracestateKey = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_*/-]{0,20}$/),
  fc.stringMatching(/^[a-z0-9][a-z0-9_*/-]{0,10}@[a-z][a-z0-9_*/-]{0,5}$/),
  headerText,
);
const tracestateValue = fc.oneof(fc.stringMatching(/^[!-+\--<>-~]{1,30}$/), headerText);
const tracestate = fc.oneof(
  fc
    .array(fc.tuple(tracestateKey, tracestateValue), { maxLength: 40 })
    .map((members) => members.map(([k, v]) => `${k}=${v}`).join(',')),
  fc.integer({ min: 500, max: 6000 }).map((length) => `vendor=${'v'.repeat(length)}`),
  headerText,
);
const baggage = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/),
        secretHeaderText,
        fc.option(headerText),
      ),
      { minLength: 1, maxLength: 50 },
    )
    .map((members) =>
      members
        .map(([k, v, p]) => `${k}=${encodeURIComponent(v)}${p === null ? '' : `;${p}`}`)
        .join(','),
    ),
  fc
    .tuple(marker, fc.integer({ min: 1000, max: 8000 }))
    .map(([m, length]) => `user.password=${m}${'p'.repeat(length)}`),
  secretHeaderText,
);
const claims = fc.record(
  {
    iss: fc.oneof(fc.constant('tracing-demo-auth'), fc.string()),
    aud: fc.oneof(fc.constant('tracing-demo'), fc.string(), fc.array(fc.string())),
    sub: fc.oneof(marker, fc.uuid(), fc.integer()),
    exp: fc.oneof(
      fc.constant(Math.floor(Date.now() / 1000) + 3600),
      fc.integer(),
      numberLiteral.map(Number),
      fc.string(),
    ),
    iat: fc.oneof(fc.constant(Math.floor(Date.now() / 1000)), fc.integer(), fc.string()),
    nbf: fc.integer(),
  },
  { requiredKeys: [] },
);
const jwtHeader = fc.oneof(
  fc.constantFrom(
    { alg: 'none' },
    { alg: 'none', typ: 'JWT' },
    { alg: 'NONE' },
    { alg: 'HS256' },
    { alg: 'RS256' },
    { alg: 'EdDSA' },
    { alg: 'EdDSA', kid: 'x' },
    { alg: 'EdDSA', crit: ['exp'] },
    { alg: 'EdDSA', b64: false, crit: ['b64'] },
    {},
  ),
  fc.record(
    {
      alg: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      kid: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()),
      jku: fc.webUrl(),
      jwk: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);
/** A JWT-shaped token that no key signed: alg=none, unknown algorithms, junk parts. */
const forgedToken = fc
  .tuple(
    fc.oneof(
      jwtHeader.map(b64),
      fc.base64String().map((s) => s.replace(/=/g, '')),
      fc.constant(''),
    ),
    fc.oneof(claims.map(b64), fc.jsonValue().map(b64), text.map(b64), fc.constant('')),
    fc.oneof(
      marker,
      fc.constant(''),
      fc.base64String().map((s) => s.replace(/[+/=]/g, '_')),
    ),
  )
  .map((parts) => parts.join('.'));
const auth: fc.Arbitrary<Auth | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant({ kind: 'valid' as const }),
  marker.map((sub) => ({ kind: 'tampered' as const, sub })),
  fc.record({
    kind: fc.constant('wrong-key' as const),
    kid: fc.constantFrom('real' as const, 'unknown' as const),
    claims,
  }),
  fc.constant({ kind: 'hs256-with-public-key' as const }),
  fc
    .tuple(
      fc.constantFrom(
        'Bearer ',
        'bearer ',
        'BEARER  ',
        'Bearer\t',
        'Bearer',
        'Basic ',
        'Token ',
        '',
        ' Bearer ',
      ),
      fc.oneof(forgedToken, secretHeaderText),
      fc.constantFrom('', ' ', '.', '.x'),
    )
    .map(([scheme, token, tail]) => ({
      kind: 'header' as const,
      value: `${scheme}${token}${tail}`,
    })),
);
/** Headers a client may send with anything in them; the secret-like ones carry the marker. */
const otherHeaders = fc.record(
  {
    cookie: fc.tuple(marker, headerText).map(([m, rest]) => `session=${m}; ${rest}`),
    'x-api-key': secretHeaderText,
    'x-synthetic-token': secretHeaderText,
    'proxy-authorization': marker.map((m) => `Basic ${m}`),
    'x-forwarded-for': fc.oneof(fc.ipV4(), fc.ipV6(), headerText),
    'x-request-id': fc.oneof(fc.uuid(), fc.stringMatching(/^[A-Za-z0-9._-]{1,80}$/), headerText),
    'user-agent': headerText,
    accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
    'x-custom': secretHeaderText,
  },
  { requiredKeys: [] },
);

// --- requests -----------------------------------------------------------------------------

const ROUTES = [
  ['POST', '/api/auth/login'],
  ['POST', '/api/orders'],
  ['GET', '/api/orders'],
  ['GET', '/api/orders/:id'],
] as const;
const orderId = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => `urn:uuid:${id}`),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid({ version: 4 }),
  fc.webSegment(),
  fc.constantFrom('0', '-1', '..', '%2e%2e', 'null', '%zz', '%00'),
);
const query = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.constantFrom('token', 'password', 'api_key', 'access_token'), marker)
    .map(([k, m]) => `?${k}=${m}`),
  fc.webQueryParameters().map((q) => `?${q}`),
);

/** The public routes with fuzzed bodies: login, and orders with a valid token or none. */
const bodyProbe: fc.Arbitrary<Probe> = fc
  .tuple(
    fc.boolean(),
    fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: brokenBody }),
    contentType,
    loginBody,
    fc.oneof(orderBody, validOrder),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([login, broken, type, credentials, order, withToken, synthetic]) => ({
    synthetic,
    method: 'POST',
    path: login ? '/api/auth/login' : '/api/orders',
    headers: { 'content-type': type },
    body: broken ?? (login ? credentials : order),
    auth: !login && withToken ? { kind: 'valid' } : undefined,
  }));

/** The public routes with plausible bodies and fuzzed credentials, trace context and headers. */
const headerProbe: fc.Arbitrary<Probe> = fc
  .tuple(
    fc.constantFrom(...ROUTES),
    orderId,
    auth,
    fc.option(traceparent),
    fc.option(tracestate),
    fc.option(baggage),
    otherHeaders,
    fc.boolean(),
    fc.boolean(),
  )
  .map(([[method, route], id, credentials, parent, state, bag, other, outside, synthetic]) => ({
    outside,
    synthetic,
    method,
    path: route.replace(':id', id),
    headers: {
      ...other,
      ...(parent === null ? {} : { traceparent: parent }),
      ...(state === null ? {} : { tracestate: state }),
      ...(bag === null ? {} : { baggage: bag }),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    body:
      method === 'POST' && route === '/api/orders'
        ? JSON.stringify({
            items: [{ sku: 'SKU-FILTER', quantity: 1 }],
            paymentMethod: 'card',
            cardNumber: '4242424242424242',
          })
        : method === 'POST'
          ? JSON.stringify({ email: 'alice@example.com', password: 'alice-password' })
          : undefined,
    auth: credentials,
  }));

/** Any method on any path, known or not, with or without a body. */
const pathProbe: fc.Arbitrary<Probe> = fc
  .tuple(
    fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'PROPFIND',
      'PURGE',
      'QUERY',
      'SEARCH',
      'LOCK',
      'REPORT',
    ),
    fc.oneof(
      fc.constantFrom(
        ...ROUTES.map(([, route]) => route),
        '/healthz',
        '/readyz',
        '/',
        '/api',
        '/api/',
        '/api/auth',
        '/API/ORDERS',
        '/api/orders/',
        '/api//orders',
        '//api/orders',
        '/api/orders/x/y',
        '/api/auth/login/',
        '/.well-known/jwks.json',
        '/metrics',
        '/admin/faults',
      ),
      fc.webPath().map((path) => (path.startsWith('/') ? path : `/${path}`)),
      fc
        .array(
          fc.oneof(
            fc.webSegment(),
            fc.string({ unit: 'grapheme' }).map(encodeURIComponent),
            fc.constantFrom('..', '.', '%2e%2e', '%2f', '%zz', '%', '%00', '%c0%ae', '~', '*'),
          ),
          { maxLength: 8 },
        )
        .map((segments) => `/${segments.join('/')}`),
      fc.integer({ min: 2000, max: 20_000 }).map((length) => `/api/orders/${'a'.repeat(length)}`),
    ),
    orderId,
    query,
    fc.option(fc.tuple(contentType, fc.oneof(loginBody, brokenBody))),
    auth,
    fc.boolean(),
    fc.boolean(),
  )
  .map(([method, path, id, q, body, credentials, outside, synthetic]) => ({
    outside,
    synthetic,
    method,
    path: `${path.replace(':id', id)}${q}`,
    headers: body ? { 'content-type': body[0] } : ({} as Record<string, string>),
    body: body?.[1],
    auth: credentials,
  }));

// --- sending ------------------------------------------------------------------------------

function remember(token: string): void {
  if (token.length >= MIN_TOKEN_LENGTH) context.sentTokens.add(token);
}

async function authorization(auth: Auth | undefined): Promise<string | undefined> {
  if (!auth) return undefined;
  const now = Math.floor(Date.now() / 1000);
  let token: string;
  switch (auth.kind) {
    case 'header':
      return auth.value;
    case 'valid':
      return `Bearer ${keys.token}`;
    case 'tampered': {
      const [header, payload, signature] = keys.token.split('.');
      const claimsOf = JSON.parse(new TextDecoder().decode(base64url.decode(payload as string)));
      token = [header, b64({ ...claimsOf, sub: auth.sub }), signature].join('.');
      break;
    }
    case 'wrong-key': {
      // Signed by hand: jose refuses to sign claims it would reject (a non-finite exp).
      const kid = auth.kid === 'real' ? keys.jwk.kid : `${MARKER}kid00000`;
      const input = `${b64({ alg: 'EdDSA', kid, typ: 'JWT' })}.${b64(auth.claims)}`;
      token = `${input}.${base64url.encode(sign(null, Buffer.from(input), keys.wrongKey))}`;
      break;
    }
    case 'hs256-with-public-key': {
      // The classic confusion: the verifier's public key used as an HMAC secret.
      const claims = { sub: 'attacker', iss: 'tracing-demo-auth', aud: 'tracing-demo', iat: now };
      const input = `${b64({ alg: 'HS256', kid: keys.jwk.kid })}.${b64({ ...claims, exp: now + 600 })}`;
      const mac = createHmac('sha256', JSON.stringify(keys.jwk)).update(input).digest();
      token = `${input}.${base64url.encode(mac)}`;
      break;
    }
  }
  remember(token);
  return `Bearer ${token}`;
}

/** A loopback address outside the stack's TRUSTED_NETWORKS: a caller the edge does not trust. */
const OUTSIDE_ADDRESS = '127.0.0.2';
const gateway = new URL(stack.gateway);

/** Sends with node:http, which can choose the caller's address (fetch cannot). */
async function send(probe: Probe): Promise<Answer> {
  const headers = { ...probe.headers };
  const credentials = await authorization(probe.auth);
  if (credentials !== undefined) headers.authorization = credentials;
  if (probe.synthetic && stack.syntheticToken) headers['x-synthetic-token'] = stack.syntheticToken;
  // Framed for every method: node:http sends a GET's or HEAD's body unframed otherwise.
  if (probe.body !== undefined) headers['content-length'] = String(Buffer.byteLength(probe.body));
  for (const token of credentials?.match(JWT_SHAPED) ?? []) remember(token);
  const started = Date.now();
  const answer = await new Promise<Answer & { traceresponse?: string }>((resolve, reject) => {
    const request = httpRequest(
      {
        // The path as it is: a URL would resolve its dot segments before sending.
        host: gateway.hostname,
        port: gateway.port,
        path: probe.path,
        method: probe.method,
        headers,
        localAddress: probe.outside ? OUTSIDE_ADDRESS : undefined,
        // A connection per request: a kept-alive one the gateway has closed (after a 413, say)
        // would fail the next request with "socket hang up", the client's race, not the server's.
        agent: false,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            ms: Date.now() - started,
            text: Buffer.concat(chunks).toString(),
            traceresponse: response.headers.traceresponse as string | undefined,
          }),
        );
      },
    );
    request.on('error', (error) =>
      reject(
        error.name === 'AbortError' || error.name === 'TimeoutError'
          ? new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (a hang)`)
          : new Error(`no HTTP answer: ${error.message}`),
      ),
    );
    request.end(probe.body);
  });
  context.requests++;
  context.byStatus.set(answer.status, (context.byStatus.get(answer.status) ?? 0) + 1);
  const traceId = /^00-([0-9a-f]{32})-/.exec(answer.traceresponse ?? '')?.[1];
  if (traceId) context.traceIds.add(traceId);
  return answer;
}

async function check(name: string, probes: fc.Arbitrary<Probe>): Promise<void> {
  const started = Date.now();
  const before = context.requests;
  await fc.assert(
    fc.asyncProperty(probes, async (probe) => {
      const answer = await send(probe);
      expect(
        answer.status,
        `${answer.status} after ${answer.ms} ms: ${answer.text.slice(0, 300)}`,
      ).toBeLessThan(500);
    }),
    { seed: SEED, numRuns: RUNS },
  );
  console.log(
    `fuzz ${name}: ${RUNS} runs (${context.requests - before} requests) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

describe('the public API under fuzzed input', () => {
  beforeAll(async () => {
    console.log(`fuzz seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED, FUZZ_RUNS to change)`);
    // The earlier tests' traffic counted first, so that what follows is the fuzz's alone.
    await pipelineIdle(stack);
    context.serverErrorsBefore = await serverErrors();
    context.started = Date.now();
    const login = await fetch(`${stack.gateway}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'alice-password' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    context.sentTokens.add(accessToken);
    const jwksUrl = `${stack.services?.['auth-service']}/.well-known/jwks.json`;
    const jwks = (await (await fetch(jwksUrl)).json()) as { keys: JWK[] };
    keys = {
      token: accessToken,
      jwk: jwks.keys[0] as JWK,
      wrongKey: generateKeyPairSync('ed25519').privateKey,
    };
  });

  it('answers random bodies, types and content types with a 4xx, never a 5xx or a hang', async () => {
    await check('bodies', bodyProbe);
  });

  it('answers random credentials, trace context, baggage and headers without a 5xx', async () => {
    await check('headers', headerProbe);
  });

  it('answers random paths and methods without a 5xx', async () => {
    await check('paths', pathProbe);
  });

  it('leaves every service ready', async () => {
    expect(context.requests).toBeGreaterThan(0);
    console.log(
      `fuzz: ${context.requests} requests, by status ${JSON.stringify(Object.fromEntries([...context.byStatus].sort(([a], [b]) => a - b)))}`,
    );
    const services = stack.services;
    if (!services) throw new Error('the stack names no service URLs (StackUrls.services)');
    for (const [name, url] of Object.entries(services)) {
      const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      expect(ready.status, `${name} /readyz: ${await ready.text()}`).toBe(200);
    }
  });

  it('counts none of it as a server error: no SERVER span of a 4xx is an error', async () => {
    await pipelineIdle(stack);
    const counted = (await serverErrors()) - context.serverErrorsBefore;
    expect(counted, 'SERVER spans counted as errors during the fuzz, which got no 5xx').toBe(0);
  });

  it('leaves no planted secret in any stored span', async () => {
    await pipelineIdle(stack);
    const sweep = await sweepStore(store, {
      start: new Date(context.started - 1_000),
      end: new Date(Date.now() + 60_000),
    });
    // The search reads the run's traces: the sampler keeps at least its baseline share of them.
    const kept = [...context.traceIds].filter((id) => sweep.traceIds.has(id)).length;
    expect(kept).toBeGreaterThan((context.traceIds.size * BASELINE_RATIO) / 2);
    const leaks: string[] = [];
    let spans = 0;
    await inParallel([...sweep.traceIds], 8, async (traceId) => {
      const document = await storedDocument(stack.jaeger, traceId);
      spans += document.match(/"spanId":/g)?.length ?? 0;
      for (const pattern of [LEAKED_MARKER, LEAKED_CARD, BEARER]) {
        const found = pattern.exec(document);
        // Where it is: the field's name comes before the value in OTLP JSON.
        if (found)
          leaks.push(`trace ${traceId}: …${document.slice(found.index - 80, found.index + 24)}…`);
      }
      if (stack.syntheticToken && document.includes(stack.syntheticToken))
        leaks.push(`trace ${traceId}: the synthetic token`);
      for (const token of document.match(JWT_SHAPED) ?? []) {
        if (context.sentTokens.has(token))
          leaks.push(`trace ${traceId}: token "${token.slice(0, 24)}…"`);
      }
    });
    console.log(
      `fuzz: searched ${spans} spans in ${sweep.traceIds.size} stored traces (${kept} of the ${context.traceIds.size} the gateway answered with a traceresponse)`,
    );
    expect(leaks).toEqual([]);
  });
});
