import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Link, Span, SpanContext } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { describeAdmission, parseCidr, TraceEdge, traceresponse } from '../src/public-edge.js';

const TOKEN = 'a-synthetic-traffic-token';
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

function incoming(headers: Record<string, string>, remoteAddress = '203.0.113.7') {
  const request = {
    headers: { ...headers },
    socket: { remoteAddress },
  } as unknown as IncomingMessage;
  const response = {
    headersSent: false,
    headers: {} as Record<string, string>,
    setHeader(name: string, value: string) {
      this.headers[name] = value;
    },
  };
  return { request, response, res: response as unknown as ServerResponse };
}

/** A span that records what describeAdmission did to it. */
function recordingSpan(context: SpanContext) {
  const seen = { links: [] as Link[], attributes: {} as Record<string, unknown> };
  const span = {
    spanContext: () => context,
    addLink: (link: Link) => {
      seen.links.push(link);
      return span;
    },
    setAttribute: (key: string, value: unknown) => {
      seen.attributes[key] = value;
      return span;
    },
  } as unknown as Span;
  return { span, seen };
}

const edge = new TraceEdge({ trustedNetworks: ['10.0.0.0/8', 'fd00::/8'], syntheticToken: TOKEN });

describe('the public edge', () => {
  it('starts a new trace for an outside caller, keeping its context for a link', () => {
    const { request } = incoming({ traceparent: TRACEPARENT, tracestate: 'vendor=1' });
    const admission = edge.admit(request, incoming({}).res);
    expect(admission).toMatchObject({ trusted: false, synthetic: false });
    expect(admission.callerContext).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN });
    expect(request.headers.traceparent).toBeUndefined();
    expect(request.headers.tracestate).toBeUndefined();
  });

  it.each([
    ['a wrong token', { 'x-synthetic-token': 'not-the-token-at-all' }],
    ['a token of another length', { 'x-synthetic-token': 'short' }],
    ['no token', {}],
  ])('treats a caller with %s as an outside caller', (_, headers) => {
    const { request, res } = incoming({ traceparent: TRACEPARENT, ...headers });
    expect(edge.admit(request, res)).toMatchObject({ trusted: false, synthetic: false });
    expect(request.headers.traceparent).toBeUndefined();
  });

  it.each([
    'garbage',
    `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`,
    `ff-${CALLER_TRACE}-${CALLER_SPAN}-01`,
  ])('takes a malformed traceparent as no context at all: %s', (traceparent) => {
    const { request, res } = incoming({ traceparent });
    const admission = edge.admit(request, res);
    expect(admission.trusted).toBe(false);
    expect(admission.callerContext).toBeUndefined();
  });

  it('lets a caller with the token continue its trace, marked synthetic', () => {
    const { request, res } = incoming({ traceparent: TRACEPARENT, 'x-synthetic-token': TOKEN });
    expect(edge.admit(request, res)).toEqual({ trusted: true, synthetic: true });
    expect(request.headers.traceparent).toBe(TRACEPARENT);
    // The token proved the caller; it goes no further.
    expect(request.headers['x-synthetic-token']).toBeUndefined();
  });

  it.each(['10.1.2.3', '::ffff:10.1.2.3', 'fd00::1'])(
    'lets a caller from a trusted network continue its trace, not marked synthetic: %s',
    (address) => {
      const { request, res } = incoming({ traceparent: TRACEPARENT }, address);
      expect(edge.admit(request, res)).toEqual({ trusted: true, synthetic: false });
      expect(request.headers.traceparent).toBe(TRACEPARENT);
    },
  );

  it('drops baggage from every caller', () => {
    for (const headers of [{}, { 'x-synthetic-token': TOKEN }] as Record<string, string>[]) {
      const { request, res } = incoming({ baggage: 'user.email=a%40example.com', ...headers });
      edge.admit(request, res);
      expect(request.headers.baggage).toBeUndefined();
    }
  });

  it("keeps a trusted caller's tracestate within the W3C limits and drops it beyond them", () => {
    const trusted = (tracestate: string) => {
      const { request, res } = incoming({
        traceparent: TRACEPARENT,
        tracestate,
        'x-synthetic-token': TOKEN,
      });
      edge.admit(request, res);
      return request.headers.tracestate;
    };
    const members = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join(',');
    expect(trusted(members(32))).toBe(members(32));
    expect(trusted(members(33))).toBeUndefined();
    expect(trusted(`k=${'v'.repeat(510)}`)).toBe(`k=${'v'.repeat(510)}`);
    expect(trusted(`k=${'v'.repeat(511)}`)).toBeUndefined();
  });

  it('trusts nobody by default', () => {
    const open = new TraceEdge({ trustedNetworks: [] });
    const { request, res } = incoming(
      { traceparent: TRACEPARENT, 'x-synthetic-token': '' },
      '127.0.0.1',
    );
    expect(open.admit(request, res).trusted).toBe(false);
  });
});

describe('the SERVER span of an admitted request', () => {
  const context: SpanContext = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 };

  it("links an outside caller's context and answers with traceresponse", () => {
    const { request, response, res } = incoming({ traceparent: TRACEPARENT });
    edge.admit(request, res);
    const { span, seen } = recordingSpan(context);
    describeAdmission(span, request);
    expect(seen.links).toEqual([
      { context: expect.objectContaining({ traceId: CALLER_TRACE, spanId: CALLER_SPAN }) },
    ]);
    expect(seen.attributes).toEqual({});
    expect(response.headers.traceresponse).toBe(`00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`);
  });

  it('marks trusted synthetic traffic with app.synthetic and links nothing', () => {
    const { request, response, res } = incoming({
      traceparent: TRACEPARENT,
      'x-synthetic-token': TOKEN,
    });
    edge.admit(request, res);
    const { span, seen } = recordingSpan(context);
    describeAdmission(span, request);
    expect(seen.links).toEqual([]);
    expect(seen.attributes).toEqual({ 'app.synthetic': true });
    expect(response.headers.traceresponse).toBeDefined();
  });

  it('leaves requests no edge admitted alone (every service but the gateway)', () => {
    const { request } = incoming({ traceparent: TRACEPARENT });
    const { span, seen } = recordingSpan(context);
    describeAdmission(span, request);
    expect(seen).toEqual({ links: [], attributes: {} });
  });
});

describe('traceresponse and CIDRs', () => {
  it('formats traceresponse as version 00 with the sampled flag', () => {
    expect(traceresponse({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0 })).toBe(
      `00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`,
    );
  });

  it.each(['10.0.0.0/33', '10.0.0/8', 'example.com/8', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x'])(
    'refuses %s',
    (cidr) => {
      expect(() => parseCidr(cidr)).toThrow(/CIDR/);
    },
  );

  it('reads an address without a prefix as a single host', () => {
    expect(parseCidr('192.0.2.1')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
  });
});
