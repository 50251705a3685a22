/** The Prometheus text format (and OpenMetrics) as samples, for reading counters and gauges. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const number = (text: string) =>
  text === '+Inf'
    ? Number.POSITIVE_INFINITY
    : text === '-Inf'
      ? Number.NEGATIVE_INFINITY
      : Number(text);

/** Every sample of a scrape; comments, exemplars and timestamps are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*?)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value: number(match[4] as string) });
  }
  return samples;
}

/** The samples named one of `names` whose labels include `labels`. */
const matching = (samples: readonly Sample[], names: string[], labels: Record<string, string>) =>
  samples.filter(
    (s) => names.includes(s.name) && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

/** The sum of the samples named `name` whose labels include `labels`; 0 when there are none. */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return matching(samples, [name], labels).reduce((sum, s) => sum + s.value, 0);
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
  const names = [name, name.endsWith('_total') ? name.slice(0, -6) : `${name}_total`];
  const found = matching(samples, names, labels);
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

/** GETs a metrics endpoint and parses it; throws on a status other than 2xx. */
export async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`scraping ${url}: ${response.status}`);
  return parsePrometheusText(await response.text());
}
