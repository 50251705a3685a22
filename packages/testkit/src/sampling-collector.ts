import { type CollectorProcess, startCollector } from '@tracing-demo/platform';
import { type OtlpSink, startOtlpSink } from './otlp-sink.js';

export interface SamplingCollector {
  collector: CollectorProcess;
  /** Where the collector sends what it samples, in the trace store's place. */
  store: OtlpSink;
  stop(): Promise<void>;
}

/** collector/otel-collector.yaml exporting its sampled traces as OTLP/JSON to a sink. */
export async function startSamplingCollector(
  env: Record<string, string> = {},
): Promise<SamplingCollector> {
  const store = await startOtlpSink();
  try {
    const collector = await startCollector({
      configs: ['collector/otel-collector.yaml'],
      env: { TRACES_OTLP_HTTP_ENDPOINT: store.url, TRACES_OTLP_ENCODING: 'json', ...env },
    });
    return {
      collector,
      store,
      async stop() {
        await collector.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
