import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { RecordAllButTransactionControl } from '../src/sampler.js';

const sampler = new RecordAllButTransactionControl();
const decide = (name: string, kind: SpanKind) =>
  sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', name, kind, {}, [])
    .decision;

describe('RecordAllButTransactionControl', () => {
  it("records no span for a transaction's BEGIN and COMMIT", () => {
    expect(decide('pg.query:BEGIN tracing_demo', SpanKind.CLIENT)).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide('pg.query:COMMIT tracing_demo', SpanKind.CLIENT)).toBe(
      SamplingDecision.NOT_RECORD,
    );
  });

  it('records ROLLBACK, every other statement and every span that is not a pg CLIENT span', () => {
    for (const [name, kind] of [
      ['pg.query:ROLLBACK tracing_demo', SpanKind.CLIENT],
      ['pg.query:INSERT tracing_demo', SpanKind.CLIENT],
      ['pg.query:SELECT tracing_demo', SpanKind.CLIENT],
      ['pg.query:BEGIN tracing_demo', SpanKind.INTERNAL],
      ['POST /api/orders', SpanKind.SERVER],
      ['processOrder', SpanKind.INTERNAL],
    ] as const) {
      expect(decide(name, kind), name).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    }
  });
});
