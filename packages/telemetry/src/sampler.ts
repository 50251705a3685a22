import { type Attributes, type Context, type Link, SpanKind } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace';

const RECORD: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const SKIP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * A transaction's BEGIN and COMMIT as instrumentation-pg names them (`pg.query:BEGIN <db>`).
 * ROLLBACK stays: it marks the failed path.
 */
export function isTransactionControl(spanName: string, kind: SpanKind): boolean {
  return (
    kind === SpanKind.CLIENT &&
    (spanName.startsWith('pg.query:BEGIN') || spanName.startsWith('pg.query:COMMIT'))
  );
}

/**
 * Records every span (tail sampling decides in the collector) except a transaction's BEGIN and
 * COMMIT statements: they take microseconds, the transaction's queries sit between them below
 * the span that opened it, and a failed COMMIT fails that span. Each cost a span's full price.
 */
export class RecordAllButTransactionControl implements Sampler {
  shouldSample(
    _context: Context,
    _traceId: string,
    spanName: string,
    spanKind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    return isTransactionControl(spanName, spanKind) ? SKIP : RECORD;
  }

  toString(): string {
    return 'RecordAllButTransactionControl';
  }
}
