/**
 * What a span costs at least: the SDK alone, no instrumentation, no context propagation, no
 * network. In process: the SDK's TracerProvider with the batch span processor the services use,
 * spans shaped like an order's (a child of a root span, CLIENT, 9 attributes), and an exporter
 * that encodes each batch the way the services' OTLP exporter does (protobuf) and drops the
 * bytes. CPU per span from process.cpuUsage(). Spans are made in chunks that yield to the event
 * loop between them, as a service does between requests, so that the batch processor exports as
 * it fills: a loop that never yields only fills its queue, and the processor drops spans.
 *
 * Variants: spans made and batched, dropped at the exporter; the same plus the protobuf encoding.
 * Their sum times the spans of an order is the least tracing can cost a service per order.
 */
import { readFileSync } from 'node:fs';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { type Benchmark, fixed, resultPath } from './lib/report.ts';
import { median } from './lib/stats.ts';

const SETTINGS = {
  full: { rounds: 5, spans: 200_000, warmupSpans: 50_000 },
  quick: { rounds: 1, spans: 20_000, warmupSpans: 10_000 },
};

/** Spans per chunk between yields: about what a service makes for a handful of requests. */
const CHUNK = 64;

/**
 * Spans per order as the last full `overhead` run counted them (it runs first in `node
 * bench/run.ts`), for the floor per order; undefined before there is one.
 */
function spansPerOrder(): number | undefined {
  try {
    const overhead = JSON.parse(readFileSync(resultPath('overhead', false), 'utf8'));
    return overhead.data.summary.order.spansPerRequest;
  } catch {
    return undefined;
  }
}

/** A pg query span's attributes, with values of the services' sizes. */
const ATTRIBUTES = {
  'db.system.name': 'postgresql',
  'db.namespace': 'orders',
  'db.operation.name': 'INSERT',
  'db.collection.name': 'orders',
  'db.query.text':
    'INSERT INTO orders (id, user_id, status, total_cents, currency) VALUES ($1, $2, $3, $4, $5)',
  'server.address': '127.0.0.1',
  'server.port': 5432,
  'network.peer.address': '127.0.0.1',
  'network.peer.port': 5432,
};

interface Variant {
  name: string;
  label: string;
  encode: boolean;
}

const VARIANTS: Variant[] = [
  {
    name: 'batched',
    label: 'span made, ended and batched; dropped at the exporter',
    encode: false,
  },
  { name: 'encoded', label: '… and encoded as OTLP protobuf by the exporter', encode: true },
];

/** Counts the spans it is handed; encodes them first when asked, as the OTLP exporter does. */
function countingExporter(encode: boolean): SpanExporter & { spans: number; bytes: number } {
  return {
    spans: 0,
    bytes: 0,
    export(spans: ReadableSpan[], done) {
      this.spans += spans.length;
      if (encode) this.bytes += ProtobufTraceSerializer.serializeRequest(spans)?.length ?? 0;
      done({ code: 0 });
    },
    shutdown: () => Promise.resolve(),
  };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Makes at least `count` spans, whole chunks; returns how many. */
async function makeSpans(tracer: ReturnType<TracerProvider['getTracer']>, count: number) {
  let made = 0;
  for (; made < count; made += CHUNK) {
    const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER });
    const parent = trace.setSpan(ROOT_CONTEXT, root);
    for (let i = 1; i < CHUNK; i++) {
      tracer
        .startSpan('INSERT orders', { kind: SpanKind.CLIENT, attributes: ATTRIBUTES }, parent)
        .end();
    }
    root.end();
    await yieldToLoop();
  }
  return made;
}

interface Round {
  round: number;
  variant: string;
  cpuUsPerSpan: number;
  exported: number;
  made: number;
  bytesPerSpan: number;
}

async function measure(variant: Variant, round: number, settings: typeof SETTINGS.full) {
  const exporter = countingExporter(variant.encode);
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('span-floor');
  await makeSpans(tracer, settings.warmupSpans);
  await provider.forceFlush();
  const before = { spans: exporter.spans, bytes: exporter.bytes };
  const start = process.cpuUsage();
  const made = await makeSpans(tracer, settings.spans);
  await provider.forceFlush();
  const cpu = process.cpuUsage(start);
  await provider.shutdown();
  const exported = exporter.spans - before.spans;
  return {
    round,
    variant: variant.name,
    cpuUsPerSpan: (cpu.user + cpu.system) / made,
    exported,
    made,
    bytesPerSpan: (exporter.bytes - before.bytes) / exported,
  };
}

export const spanFloor: Benchmark = {
  name: 'span-floor',
  description: "the SDK's own CPU per span, no instrumentation (in process)",
  async run({ quick, log }) {
    const settings = quick ? SETTINGS.quick : SETTINGS.full;
    const rounds: Round[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        const result = await measure(variant, round, settings);
        // Every span made must reach the exporter, or the CPU per span is not a span's cost.
        if (result.exported !== result.made) {
          throw new Error(
            `${variant.name}: ${result.made} spans made, ${result.exported} exported: the batch processor dropped spans`,
          );
        }
        rounds.push(result);
        log(`  r${round} ${variant.name}: ${fixed(result.cpuUsPerSpan, 2)} µs CPU per span`);
      }
    }
    const perSpan = (name: string) =>
      median(rounds.filter((r) => r.variant === name).map((r) => r.cpuUsPerSpan));
    const floor = perSpan('encoded');
    const spans = spansPerOrder();
    const perOrder = (usPerSpan: number) =>
      spans === undefined ? undefined : fixed((usPerSpan * spans) / 1000, 2);
    return {
      settings: { ...settings, chunk: CHUNK, spansPerOrder: spans, attributes: ATTRIBUTES },
      data: { rounds },
      tables: [
        {
          title: `The SDK alone, ${settings.spans} spans per round (a root and ${CHUNK - 1} children per chunk), medians of ${settings.rounds} round(s)`,
          columns: [
            'variant',
            'change',
            'CPU µs per span',
            `per order (${fixed(spans, 1) ?? 'no overhead result yet'} spans), ms`,
          ],
          rows: VARIANTS.map((v) => [
            v.name,
            v.label,
            fixed(perSpan(v.name), 2),
            perOrder(perSpan(v.name)),
          ]),
          notes: [
            'CPU of this process (process.cpuUsage) from the first span of the round to the end of the last export, divided by the spans made; every span made was exported. Spans per order are those of the last full `overhead` run. The services add their instrumentations (wrapping, attribute extraction, context propagation) and the HTTP export on top.',
          ],
        },
      ],
      summary: [
        `the SDK alone costs ${fixed(floor, 1)} µs of CPU per span with its protobuf encoding${spans === undefined ? '' : `: ${perOrder(floor)} ms for an order's ${fixed(spans, 1)} spans`}, before any instrumentation`,
      ],
    };
  },
};
