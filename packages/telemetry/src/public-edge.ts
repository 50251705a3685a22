import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import {
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/** The header a synthetic-traffic client (loadgen, `tracing-demo verify`) proves itself with. */
export const SYNTHETIC_TOKEN_HEADER = 'x-synthetic-token';

/** W3C Trace Context limits for tracestate (https://www.w3.org/TR/trace-context/#tracestate-header). */
const TRACESTATE_MAX_MEMBERS = 32;
const TRACESTATE_MAX_LENGTH = 512;

export interface EdgeTrust {
  /** Networks (CIDRs) whose callers continue their trace. */
  trustedNetworks: readonly string[];
  /** Callers sending it in SYNTHETIC_TOKEN_HEADER continue their trace and are marked synthetic. */
  syntheticToken?: string;
}

/** What the edge decided about one request. */
export interface Admission {
  trusted: boolean;
  synthetic: boolean;
  /** An outside caller's own valid trace context: a link on the new trace, never its parent. */
  callerContext?: SpanContext;
}

/** Requests an edge admitted, with their responses; read when their SERVER span starts. */
const admissions = new WeakMap<IncomingMessage, Admission & { response: ServerResponse }>();

/** A CIDR as BlockList takes it; throws with the text when it is not one. */
export function parseCidr(text: string): {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
} {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!family || extra !== undefined || !/^\d{1,3}$/.test(prefixText ?? `${max}`) || prefix > max) {
    throw new Error(`not a network in CIDR notation: "${text}"`);
  }
  return { address, prefix, family };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The public edge's trust decision, made on the raw request before anything reads its trace
 * headers: only a configured caller continues its context (and its sampled flag); anyone else
 * gets a new trace linked to theirs, as the spec recommends for public endpoints. Bad input (a
 * malformed traceparent, a wrong token) makes an outside caller, never an error.
 */
export class TraceEdge {
  private readonly networks = new BlockList();
  private readonly tokenDigest: Buffer | undefined;
  private readonly w3c = new W3CTraceContextPropagator();

  constructor(trust: EdgeTrust) {
    for (const cidr of trust.trustedNetworks) {
      const { address, prefix, family } = parseCidr(cidr);
      this.networks.addSubnet(address, prefix, family);
    }
    this.tokenDigest = trust.syntheticToken ? digest(trust.syntheticToken) : undefined;
  }

  /**
   * Decides on `request` and strips from its headers what the decision does not let through.
   * Call it first thing, from the server's 'request' event, before anything reads the headers.
   */
  admit(request: IncomingMessage, response: ServerResponse): Admission {
    const headers = request.headers;
    const token = headers[SYNTHETIC_TOKEN_HEADER];
    // The token proves the caller once; it goes no further (no log, no forward, no span).
    delete headers[SYNTHETIC_TOKEN_HEADER];
    delete headers.baggage;
    const synthetic =
      this.tokenDigest !== undefined &&
      typeof token === 'string' &&
      timingSafeEqual(digest(token), this.tokenDigest);
    const trusted = synthetic || this.fromTrustedNetwork(request.socket?.remoteAddress);
    let admission: Admission;
    if (trusted) {
      if (!tracestateWithinLimits(headers.tracestate)) delete headers.tracestate;
      admission = { trusted, synthetic };
    } else {
      const callerContext = trace.getSpanContext(
        this.w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
      );
      delete headers.traceparent;
      delete headers.tracestate;
      admission = { trusted, synthetic, callerContext };
    }
    admissions.set(request, { ...admission, response });
    return admission;
  }

  private fromTrustedNetwork(address: string | undefined): boolean {
    if (!address) return false;
    // A dual-stack listener reports IPv4 callers as IPv4-mapped IPv6 (::ffff:10.1.2.3).
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    return this.networks.check(ip, isIPv4(ip) ? 'ipv4' : 'ipv6');
  }
}

/**
 * Writes the edge's decision on an admitted request's SERVER span (the outside caller as a link;
 * `app.synthetic`, which the collector's `synthetic` policy keeps) and answers with
 * `traceresponse`, so any client learns its trace id.
 */
export function describeAdmission(span: Span, request: IncomingMessage): void {
  const admission = admissions.get(request);
  if (!admission) return;
  if (admission.callerContext) span.addLink({ context: admission.callerContext });
  if (admission.synthetic) span.setAttribute('app.synthetic', true);
  if (!admission.response.headersSent) {
    admission.response.setHeader('traceresponse', traceresponse(span.spanContext()));
  }
}

/** `00-<trace-id>-<span-id>-<flags>` (W3C Trace Context Level 2, traceresponse). */
export function traceresponse(context: SpanContext): string {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${context.traceId}-${context.spanId}-${flags}`;
}

function tracestateWithinLimits(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (text.length > TRACESTATE_MAX_LENGTH) return false;
  return text.split(',').filter((member) => member.trim() !== '').length <= TRACESTATE_MAX_MEMBERS;
}
