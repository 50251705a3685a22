/** The Prometheus text format (and OpenMetrics) as samples, for reading counters. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetricsText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*?)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value: Number(match[4]) });
  }
  return samples;
}

/**
 * The sum of a counter over the series whose labels include `labels`, under its name with or
 * without the `_total` suffix (the collector's own telemetry has gone both ways across
 * releases); undefined when no such series exists.
 */
export function counter(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const names = new Set([name, name.endsWith('_total') ? name.slice(0, -6) : `${name}_total`]);
  const matching = samples.filter(
    (s) => names.has(s.name) && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}
