import { createWriteStream, type WriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Attributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { recordFailure, startHttpClientSpan, tracerFor } from '@tracing-demo/telemetry';
import type { FastifyBaseLogger } from 'fastify';
import type { LoadConfig, UserCredentials } from './config.js';
import { type Operation, pickOperation } from './mix.js';
import { DECLINED_CARD, randomOrder } from './orders.js';
import { LoadReport, type ReportedOperation } from './report.js';
import type { Report } from './schemas/report.js';

const tracer = tracerFor('loadgen');

const SPAN_NAMES: Record<ReportedOperation, string> = {
  login: 'loadgen login',
  place: 'loadgen placeOrder',
  list: 'loadgen listOrders',
  get: 'loadgen getOrder',
};

/** Order ids kept per user for `get`: recent ones, like a customer checking a new order. */
const REMEMBERED_ORDERS = 100;

interface GatewayRequest {
  operation: ReportedOperation;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  token?: string;
  attributes?: Attributes;
}

/** One line of LOADGEN_RECORDS_FILE. */
export interface RequestRecord {
  /** When the request was sent, in ms since the epoch. */
  at: number;
  operation: ReportedOperation;
  /** null: no answer (refused, reset, timed out, aborted). */
  status: number | null;
  ms: number;
  traceId: string;
  /** The order a 201 created. */
  orderId?: string;
}

interface GatewayAnswer {
  /** undefined: no answer (refused, reset, timed out, aborted). */
  status: number | undefined;
  body: unknown;
}

/** One demo user: logged in once, again only after a 401. */
class UserSession {
  token: Promise<string | undefined> | undefined;
  loginFailing = false;
  readonly orderIds: string[] = [];

  constructor(
    /** The user's position in LOADGEN_USERS: what spans and logs say instead of the e-mail. */
    readonly index: number,
    readonly credentials: UserCredentials,
  ) {}

  remember(orderId: string): void {
    this.orderIds.push(orderId);
    if (this.orderIds.length > REMEMBERED_ORDERS) this.orderIds.shift();
  }
}

export interface GeneratorOptions {
  log: FastifyBaseLogger;
  random?: () => number;
}

type State = Report['state'];

/**
 * Open-loop traffic: tick i is due at start + i / rate whatever the latency, so a slow system
 * sees the load it would see from real users instead of a politely slowing client. A tick that
 * finds `concurrency` operations in flight is shed and counted, never queued.
 *
 * Every request runs in a root span of its own, so the trace begins here: the fetch's CLIENT
 * span is its child and carries traceparent to the gateway, which continues it for a caller
 * with the synthetic-traffic token (SYNTHETIC_TOKEN).
 */
export class LoadGenerator {
  private readonly report: LoadReport;
  private readonly sessions: UserSession[];
  private readonly random: () => number;
  private readonly log: FastifyBaseLogger;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborts what is still in flight when a stop's grace period runs out. */
  private readonly abort = new AbortController();
  private state: State = 'idle';
  private startedAt: Date | undefined;
  private startMs = 0;
  private endMs: number | undefined;
  private schedulingEndMs: number | undefined;
  private finishedMs: number | undefined;
  private ticks = 0;
  private timer: NodeJS.Timeout | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private records: WriteStream | undefined;
  private resolveFinished: () => void = () => undefined;
  /** Resolves when the run is over (its duration passed, or stop()) and every answer is in. */
  readonly finished = new Promise<void>((resolve) => {
    this.resolveFinished = resolve;
  });

  constructor(
    private readonly config: LoadConfig,
    options: GeneratorOptions,
  ) {
    this.log = options.log;
    this.random = options.random ?? Math.random;
    this.report = new LoadReport(config.ratePerSecond, { random: this.random });
    this.sessions = config.users.map((credentials, index) => new UserSession(index, credentials));
    if (config.recordsFile) {
      const records = createWriteStream(config.recordsFile, { flags: 'a' });
      // A records file that cannot be written is reported, not fatal: the load goes on.
      records.on('error', (error) => {
        this.log.error({ err: error }, 'cannot write LOADGEN_RECORDS_FILE; records stop');
        this.records = undefined;
      });
      this.records = records;
    }
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.startedAt = new Date();
    this.startMs = performance.now();
    if (this.config.durationSeconds > 0) {
      this.endMs = this.startMs + this.config.durationSeconds * 1_000;
    }
    this.progressTimer = setInterval(
      () => this.logProgress(),
      this.config.progressIntervalSeconds * 1_000,
    );
    this.progressTimer.unref();
    this.log.info(
      {
        gatewayUrl: this.config.gatewayUrl,
        rate: this.config.ratePerSecond,
        durationSeconds: this.config.durationSeconds,
        mix: this.config.mix,
        users: this.sessions.length,
        concurrency: this.config.concurrency,
      },
      'loadgen started',
    );
    this.fireDueTicks();
  }

  /**
   * Stops scheduling, then waits for what is in flight; after `graceMs` the rest is aborted
   * (and counted as network errors), leaving most of runService's 10 s shutdown budget for
   * flushing spans.
   */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.state === 'idle' || this.state === 'running') this.endScheduling();
    const settled = this.drain();
    const timedOut = await Promise.race([
      settled.then(() => false),
      sleep(graceMs, true, { ref: false }),
    ]);
    if (timedOut) {
      this.log.warn({ inFlight: this.inFlight.size }, 'aborting requests still in flight');
      this.abort.abort(new Error('loadgen stopped'));
      await settled;
    }
  }

  snapshot(): Report {
    const now = performance.now();
    const since = (end: number | undefined) =>
      this.startedAt ? ((end ?? now) - this.startMs) / 1_000 : 0;
    return this.report.snapshot({
      state: this.state,
      startedAt: this.startedAt,
      elapsedSeconds: since(this.finishedMs),
      schedulingSeconds: since(this.schedulingEndMs),
      inFlight: this.inFlight.size,
    });
  }

  private fireDueTicks(): void {
    this.timer = undefined;
    const interval = 1_000 / this.config.ratePerSecond;
    while (this.state === 'running') {
      const due = this.startMs + this.ticks * interval;
      const over = this.endMs !== undefined && due >= this.endMs;
      const wait = (over ? (this.endMs as number) : due) - performance.now();
      if (wait > 0) {
        this.timer = setTimeout(() => this.fireDueTicks(), wait);
        return;
      }
      if (over) {
        this.endScheduling();
        return;
      }
      // Late (a busy event loop): fire every overdue tick now rather than slow down.
      this.ticks += 1;
      this.tick();
    }
  }

  private endScheduling(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.state = 'stopping';
    if (this.startedAt) this.schedulingEndMs = performance.now();
    void this.drain();
  }

  /** Resolves once nothing is in flight; scheduling has ended, so nothing new starts. */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      this.state = 'finished';
      this.finishedMs = performance.now();
      if (this.records) await new Promise((resolve) => this.records?.end(resolve));
      if (this.progressTimer) clearInterval(this.progressTimer);
      this.resolveFinished();
    })();
    return this.draining;
  }

  private tick(): void {
    const session = this.sessions[Math.floor(this.random() * this.sessions.length)] as UserSession;
    let operation = pickOperation(this.config.mix, this.random());
    // Reading an order needs one of the user's own: until there is one, the customer lists.
    if (operation === 'get' && session.orderIds.length === 0) operation = 'list';
    if (this.inFlight.size >= this.config.concurrency) {
      this.report.shed(operation);
      return;
    }
    this.report.started(operation);
    const run: Promise<void> = this.runOperation(operation, session)
      .catch((error: unknown) => this.log.error({ err: error, operation }, 'operation crashed'))
      .finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  private async runOperation(operation: Operation, session: UserSession): Promise<void> {
    const token = await this.tokenFor(session);
    if (token === undefined) {
      this.report.notLoggedIn(operation);
      return;
    }
    const answer = await this.send(this.requestFor(operation, session, token));
    if (answer.status === 401 && session.token && (await session.token) === token) {
      // Expired or rejected: the user's next operation logs in again.
      session.token = undefined;
    }
    if (operation === 'place' && answer.status === 201) {
      const id = (answer.body as { id?: unknown } | null)?.id;
      if (typeof id === 'string') session.remember(id);
    }
  }

  private requestFor(operation: Operation, session: UserSession, token: string): GatewayRequest {
    const user = { 'loadgen.user': session.index };
    switch (operation) {
      case 'place': {
        const body = randomOrder(this.config, this.random);
        return {
          operation,
          method: 'POST',
          path: '/api/orders',
          body,
          token,
          attributes: {
            ...user,
            'payment.method': body.paymentMethod,
            'loadgen.expect_decline': body.cardNumber === DECLINED_CARD,
          },
        };
      }
      case 'list':
        return { operation, method: 'GET', path: '/api/orders', token, attributes: user };
      case 'get': {
        const ids = session.orderIds;
        const id = ids[Math.floor(this.random() * ids.length)] as string;
        return {
          operation,
          method: 'GET',
          path: `/api/orders/${id}`,
          token,
          attributes: { ...user, 'order.id': id },
        };
      }
    }
  }

  /** The user's token, logging in first when there is none; undefined when login failed. */
  private tokenFor(session: UserSession): Promise<string | undefined> {
    if (!session.token) {
      const login = this.login(session);
      session.token = login;
      // Failed: forget it, so a later operation tries again (and is counted, not silent).
      const forget = () => {
        if (session.token === login) session.token = undefined;
      };
      login.then((token) => {
        if (token === undefined) forget();
      }, forget);
    }
    return session.token;
  }

  private async login(session: UserSession): Promise<string | undefined> {
    const answer = await this.send({
      operation: 'login',
      method: 'POST',
      path: '/api/auth/login',
      body: { email: session.credentials.email, password: session.credentials.password },
      attributes: { 'loadgen.user': session.index },
    });
    const token = (answer.body as { accessToken?: unknown } | null)?.accessToken;
    if (answer.status === 200 && typeof token === 'string') {
      if (session.loginFailing) this.log.info({ user: session.index }, 'login works again');
      session.loginFailing = false;
      return token;
    }
    // Once per failing streak: a wrong password would otherwise log at the full rate.
    if (!session.loginFailing) {
      const message = (answer.body as { message?: unknown } | null)?.message;
      this.log.warn(
        { user: session.index, status: answer.status ?? 'no answer', message },
        'login failed; operations for this user are not sent until it works',
      );
    }
    session.loginFailing = true;
    return undefined;
  }

  /** One request in a root span of its own; counted in the report whatever happens. */
  private send(request: GatewayRequest): Promise<GatewayAnswer> {
    const attributes: Attributes = {
      'loadgen.operation': request.operation,
      ...request.attributes,
    };
    return tracer.startActiveSpan(
      SPAN_NAMES[request.operation],
      { root: true, kind: SpanKind.INTERNAL, attributes },
      async (span) => {
        const headers: Record<string, string> = { accept: 'application/json' };
        if (request.token) headers.authorization = `Bearer ${request.token}`;
        if (this.config.syntheticToken) headers['x-synthetic-token'] = this.config.syntheticToken;
        if (request.body !== undefined) headers['content-type'] = 'application/json';
        const { signal, done } = this.requestSignal();
        const sentAt = Date.now();
        const started = performance.now();
        let status: number | undefined;
        let body: unknown = null;
        const url = `${this.config.gatewayUrl}${request.path}`;
        const hop = startHttpClientSpan(request.method, url, headers);
        try {
          const response = await fetch(url, {
            method: request.method,
            headers,
            body: request.body === undefined ? undefined : JSON.stringify(request.body),
            signal,
          });
          status = response.status;
          const requestId = response.headers.get('x-request-id');
          if (requestId) span.setAttribute('app.request.id', requestId);
          const text = await response.text();
          hop.answered(status);
          body = text === '' ? null : JSON.parse(text);
        } catch (error) {
          hop.failed(error);
          // No answer at all is a network error; an answer with a broken body still counts
          // by its status.
          if (status === undefined) {
            recordFailure(span, error);
            this.log.debug({ err: error, operation: request.operation }, 'request failed');
          }
        } finally {
          done();
        }
        const latencyMs = performance.now() - started;
        const outcome = this.report.response(request.operation, status, latencyMs);
        if (this.records) {
          const orderId = status === 201 ? (body as { id?: unknown } | null)?.id : undefined;
          const record: RequestRecord = {
            at: sentAt,
            operation: request.operation,
            status: status ?? null,
            ms: Math.round(latencyMs * 10) / 10,
            traceId: span.spanContext().traceId,
            ...(typeof orderId === 'string' ? { orderId } : {}),
          };
          this.records.write(`${JSON.stringify(record)}\n`);
        }
        span.setAttribute('loadgen.outcome', outcome);
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (outcome === 'serverError') {
          span.setStatus({ code: SpanStatusCode.ERROR, message: `gateway answered ${status}` });
        }
        span.end();
        return { status, body };
      },
    );
  }

  /**
   * Aborts one request when it takes longer than the timeout (body included) or when a stop
   * gives up waiting. Per request and cleaned up after, rather than AbortSignal.any() over a
   * process-long signal, so a run that never ends holds nothing per finished request.
   */
  private requestSignal(): { signal: AbortSignal; done: () => void } {
    const controller = new AbortController();
    const timeoutMs = this.config.requestTimeoutMs;
    const timer = setTimeout(
      () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    const onStop = () => controller.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    return {
      signal: controller.signal,
      done: () => {
        clearTimeout(timer);
        this.abort.signal.removeEventListener('abort', onStop);
      },
    };
  }

  private logProgress(): void {
    const report = this.snapshot();
    this.log.info(
      {
        elapsedSeconds: report.elapsedSeconds,
        achievedRate: report.rate.achieved,
        ticks: report.ticks,
        inFlight: report.inFlight,
        ordersCreated: report.ordersCreated,
        ...report.totals,
      },
      'loadgen progress',
    );
  }
}
