import {
  type Span as ApiSpan,
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  diag,
  type Exception,
  type HrTime,
  INVALID_SPAN_CONTEXT,
  type Link,
  ProxyTracerProvider,
  SamplingDecision,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  TraceFlags,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  AddAttributeDecision,
  addHrTimes,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTimeDuration,
  type InstrumentationScope,
  isTimeInput,
  isTracingSuppressed,
  maybeAddAttribute,
  millisToHrTime,
  timeInputToHrTime,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  type IdGenerator,
  type Sampler,
  TracerProvider as SdkTracerProvider,
  type Span,
  type SpanLimits,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

/** What the SDK's TracerProvider gives each of its tracers, built from the environment. */
interface TracerOptions {
  resource: Resource;
  sampler: Sampler;
  spanLimits: Required<SpanLimits>;
  idGenerator: IdGenerator;
  spanProcessor: SpanProcessor;
}

function tracerOptionsOf(provider: SdkTracerProvider): TracerOptions | undefined {
  // A private field of the SDK's provider: the version is pinned, and tracer.test.ts fails if
  // the field goes, before a service would fall back to the SDK's tracer.
  const options = (provider as unknown as { _tracerOptions?: Partial<TracerOptions> })
    ._tracerOptions;
  const complete =
    options?.resource &&
    typeof options.sampler?.shouldSample === 'function' &&
    options.spanLimits &&
    typeof options.idGenerator?.generateSpanId === 'function' &&
    typeof options.spanProcessor?.onEnd === 'function';
  return complete ? (options as TracerOptions) : undefined;
}

/**
 * Spans as the SDK makes them (its sampler, id generator, limits, resource, processors and
 * exporter, all from the environment), along a shorter path: in the services, the SDK's own
 * tracer cost a quarter to a third more of the CPU tracing adds (bench/README.md#findings). Its
 * tracer checks every attribute with a fresh WeakSet, twice at a span's start, and counts spans
 * for metrics nobody reads; here a string, number or boolean goes straight in under the same
 * limits, and every other value, event and link takes the SDK's own checks (core's helpers).
 * Undefined when `provider` is not the SDK's TracerProvider as this code knows it.
 */
export function leanTracerProvider(provider: SdkTracerProvider): TracerProvider | undefined {
  const options = tracerOptionsOf(provider);
  if (!options) return undefined;
  const tracers = new Map<string, LeanTracer>();
  return {
    getTracer(name, version, tracerOptions) {
      const key = `${name}@${version ?? ''}:${tracerOptions?.schemaUrl ?? ''}`;
      let tracer = tracers.get(key);
      if (!tracer) {
        tracer = new LeanTracer({ name, version, schemaUrl: tracerOptions?.schemaUrl }, options);
        tracers.set(key, tracer);
      }
      return tracer;
    },
  };
}

/**
 * Puts the lean tracer in place of the SDK's behind the global provider; call it right after
 * the SDK starts, before any span. Tracers handed out earlier (the instrumentations') are
 * proxies that pick their delegate on first use. No SDK provider (no exporter): nothing to do;
 * one this code does not know (another SDK version): a warning, and the SDK's tracer stays.
 */
export function useLeanTracer(): void {
  const global = trace.getTracerProvider();
  if (!(global instanceof ProxyTracerProvider)) return;
  const sdk = global.getDelegate();
  if (!(sdk instanceof SdkTracerProvider)) return;
  const lean = leanTracerProvider(sdk);
  if (lean) global.setDelegate(lean);
  else diag.warn('tracing-demo telemetry: an SDK tracer this code does not know; it stays');
}

class LeanTracer implements Tracer {
  constructor(
    readonly scope: InstrumentationScope,
    readonly options: TracerOptions,
  ) {}

  startSpan(name: string, spanOptions: SpanOptions = {}, ctx = context.active()): ApiSpan {
    const parentContext = spanOptions.root ? trace.deleteSpan(ctx) : ctx;
    if (isTracingSuppressed(parentContext)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const { sampler, idGenerator, spanLimits } = this.options;
    const candidate = trace.getSpanContext(parentContext);
    const parent = candidate && trace.isSpanContextValid(candidate) ? candidate : undefined;
    const traceId = parent?.traceId ?? idGenerator.generateTraceId();
    const spanId = idGenerator.generateSpanId();
    const kind = spanOptions.kind ?? SpanKind.INTERNAL;
    const links = (spanOptions.links ?? []).map((link) => cleanLink(link, spanLimits));
    const attributes = spanOptions.attributes ?? {};
    const sampling = sampler.shouldSample(parentContext, traceId, name, kind, attributes, links);
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags:
        sampling.decision === SamplingDecision.RECORD_AND_SAMPLED
          ? TraceFlags.SAMPLED
          : TraceFlags.NONE,
      traceState: sampling.traceState ?? parent?.traceState,
    };
    if (sampling.decision === SamplingDecision.NOT_RECORD) {
      return trace.wrapSpanContext(spanContext);
    }
    const span = new LeanSpan(this, name, kind, spanContext, parent, links, spanOptions.startTime);
    span.setAttributes(attributes);
    if (sampling.attributes) span.setAttributes(sampling.attributes);
    this.options.spanProcessor.onStart(span, parentContext);
    return span;
  }

  startActiveSpan<F extends (span: ApiSpan) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: ApiSpan) => unknown>(
    name: string,
    ...rest: unknown[]
  ): ReturnType<F> {
    const fn = rest.pop() as F;
    const [spanOptions, ctx] = rest as [SpanOptions | undefined, Context | undefined];
    const parentContext = ctx ?? context.active();
    const span = this.startSpan(name, spanOptions, parentContext);
    return context.with(
      trace.setSpan(parentContext, span),
      fn as (span: ApiSpan) => ReturnType<F>,
      undefined,
      span,
    );
  }
}

function cleanLink(link: Link, limits: Required<SpanLimits>): Link {
  return {
    context: link.context,
    ...cleanAttributes(link.attributes, {
      attributeCountLimit: limits.attributePerLinkCountLimit,
      attributeValueLengthLimit: limits.attributeValueLengthLimit,
    }),
  };
}

/** The SDK's span, field for field, so its processors and exporters take it as their own. */
class LeanSpan implements Span {
  readonly attributes: Attributes = {};
  readonly events: TimedEvent[] = [];
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly startTime: HrTime;
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributeCount = 0;
  private readonly limits: Required<SpanLimits>;
  private readonly processor: SpanProcessor;
  /** performance.now() at the start: the end is the start plus the monotonic time since. */
  private readonly performanceStart = performance.now();
  private readonly startGiven: boolean;

  constructor(
    tracer: LeanTracer,
    public name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    readonly links: Link[],
    startTime: TimeInput | undefined,
  ) {
    this.resource = tracer.options.resource;
    this.instrumentationScope = tracer.scope;
    this.limits = tracer.options.spanLimits;
    this.processor = tracer.options.spanProcessor;
    this.startGiven = startTime !== undefined;
    this.startTime =
      startTime === undefined ? millisToHrTime(Date.now()) : timeInputToHrTime(startTime);
    if (links.length > this.limits.linkCountLimit) {
      this.droppedLinksCount = links.length - this.limits.linkCountLimit;
      links.splice(0, this.droppedLinksCount);
    }
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (this.endedWarning()) return this;
    const type = typeof value;
    if ((type === 'string' || type === 'number' || type === 'boolean') && key.length > 0) {
      const isNew = !Object.hasOwn(this.attributes, key);
      if (isNew && this.attributeCount >= this.limits.attributeCountLimit) {
        this.attributeDropped();
        return this;
      }
      const limit = this.limits.attributeValueLengthLimit;
      this.attributes[key] =
        type === 'string' && (value as string).length > limit
          ? (value as string).substring(0, limit)
          : value;
      if (isNew) this.attributeCount++;
      return this;
    }
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: this.limits,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) this.attributeDropped();
    else if (decision === AddAttributeDecision.ADD_NEW) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endedWarning()) return this;
    const { eventCountLimit, attributePerEventCountLimit, attributeValueLengthLimit } = this.limits;
    if (eventCountLimit === 0) {
      this.droppedEventsCount++;
      return this;
    }
    if (this.events.length >= eventCountLimit) {
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributes = attributesOrTime as Attributes | undefined;
    if (isTimeInput(attributesOrTime)) {
      if (!isTimeInput(time)) time = attributesOrTime;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: this.timeOf(time),
      ...cleanSimpleAttributes(attributes, {
        attributeCountLimit: attributePerEventCountLimit,
        attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.endedWarning()) return this;
    if (this.limits.linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links.length >= this.limits.linkCountLimit) {
      this.links.shift();
      this.droppedLinksCount++;
    }
    this.links.push(cleanLink(link, this.limits));
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endedWarning()) return this;
    // OK is final and UNSET changes nothing, as in the SDK.
    if (status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status =
      status.code === SpanStatusCode.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.endedWarning()) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(`${this.name} ${this.context.traceId}-${this.context.spanId} ended twice`);
      return;
    }
    this.endTime = this.timeOf(endTime);
    this.duration = hrTimeDuration(this.startTime, this.endTime);
    if (this.duration[0] < 0) {
      this.endTime = this.startTime.slice() as HrTime;
      this.duration = [0, 0];
    }
    this.processor.onEnding?.(this);
    this.ended = true;
    this.processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes[ATTR_EXCEPTION_MESSAGE] = exception;
    else if (exception) {
      if (exception.code) attributes[ATTR_EXCEPTION_TYPE] = exception.code.toString();
      else if (exception.name) attributes[ATTR_EXCEPTION_TYPE] = exception.name;
      if (exception.message) attributes[ATTR_EXCEPTION_MESSAGE] = exception.message;
      if (exception.stack) attributes[ATTR_EXCEPTION_STACKTRACE] = exception.stack;
    }
    if (attributes[ATTR_EXCEPTION_TYPE] || attributes[ATTR_EXCEPTION_MESSAGE]) {
      this.addEvent('exception', attributes, time);
    } else diag.warn(`Failed to record an exception ${exception}`);
  }

  /** A given time as the SDK reads it; now as the start plus the monotonic time since. */
  private timeOf(time: TimeInput | undefined): HrTime {
    if (time !== undefined) return timeInputToHrTime(time);
    if (this.startGiven) return millisToHrTime(Date.now());
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.performanceStart));
  }

  private attributeDropped(): void {
    this.droppedAttributesCount++;
    if (this.droppedAttributesCount === 1) diag.warn('Dropping extra attributes.');
  }

  private endedWarning(): boolean {
    if (this.ended) {
      const { traceId, spanId } = this.context;
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${traceId}, spanId: ${spanId}}`,
      );
    }
    return this.ended;
  }
}
