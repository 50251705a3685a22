/** The Prometheus HTTP API, as the e2e tests ask it things. */

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function api<T>(prometheusUrl: string, path: string, params: Record<string, string> = {}) {
  const response = await fetch(`${prometheusUrl}${path}?${new URLSearchParams(params)}`);
  const answer = (await response.json()) as ApiAnswer<T>;
  if (answer.status !== 'success') throw new Error(`Prometheus ${path}: ${answer.error}`);
  return answer.data;
}

/** An instant query; a vector result as samples, a scalar as one sample without labels. */
export async function query(prometheusUrl: string, expr: string): Promise<VectorSample[]> {
  const data = await api<{ resultType: string; result: unknown }>(prometheusUrl, '/api/v1/query', {
    query: expr,
  });
  if (data.resultType === 'scalar') {
    const [, value] = data.result as [number, string];
    return [{ metric: {}, value: Number(value) }];
  }
  if (data.resultType !== 'vector') throw new Error(`unexpected ${data.resultType} for ${expr}`);
  return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map(
    (sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }),
  );
}

/** The single value of a query that sums to one series; 0 when no series exists yet. */
export async function scalarOf(prometheusUrl: string, expr: string): Promise<number> {
  const samples = await query(prometheusUrl, expr);
  if (samples.length > 1) throw new Error(`${expr} returned ${samples.length} series`);
  return samples[0]?.value ?? 0;
}

export interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

export async function alerts(prometheusUrl: string): Promise<Alert[]> {
  return (await api<{ alerts: Alert[] }>(prometheusUrl, '/api/v1/alerts')).alerts;
}
