/** The collector's own telemetry, for the sampling decisions it made. */
import { scrape, sumOf } from '@tracing-demo/otlp';

export interface Decisions {
  /** Traces kept: by any policy (`global`), and by the baseline policy's own vote. */
  sampled: number;
  notSampled: number;
  baselineSampled: number;
  baselineNotSampled: number;
}

/** The tail sampler's decisions so far: its verdicts, and the baseline policy's votes. */
export async function decisions(telemetryUrl: string): Promise<Decisions> {
  const samples = await scrape(telemetryUrl);
  const global = (sampled: string) =>
    sumOf(samples, 'otelcol_processor_tail_sampling_global_count_traces_sampled', { sampled });
  const baseline = (sampled: string) =>
    sumOf(samples, 'otelcol_processor_tail_sampling_count_traces_sampled', {
      policy: 'baseline',
      sampled,
    });
  return {
    sampled: global('true'),
    notSampled: global('false'),
    baselineSampled: baseline('true'),
    baselineNotSampled: baseline('false'),
  };
}
