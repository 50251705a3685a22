import { describe, expect, it } from 'vitest';
import { parseDuration, parsePositiveInt, parseTime } from '../src/args.js';
import { run } from '../src/cli.js';
import { resolveBackend, resolveEndpoint, resolvePipelineEndpoints } from '../src/endpoints.js';
import { UsageError } from '../src/errors.js';
import { outputWidth, wantsColor } from '../src/io.js';
import { tracesMetricsUrl } from '../src/status/index.js';
import { captureIo } from './support/io.js';

async function cli(args: string[], env: Record<string, string> = {}) {
  const { io, captured } = captureIo(env);
  const code = await run(args, io);
  return { code, ...captured };
}

describe('usage', () => {
  it('--help lists the commands and endpoints, exit 0', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['trace', 'search', 'status', 'verify'])
      expect(out).toContain(`  ${command} `);
    expect(out).toContain('TRACES_URL');
    expect(out).toContain('TRACES_BACKEND');
    expect(out).not.toContain('TEMPO_URL');
    expect(out).toContain('http://127.0.0.1:13133/');
  });

  it.each(['trace', 'search', 'status', 'verify'])(
    '%s --help and `help <command>` print its usage',
    async (command) => {
      const flag = await cli([command, '--help']);
      const help = await cli(['help', command]);
      expect(flag.code).toBe(0);
      expect(flag.out).toMatch(new RegExp(`^Usage: tracing-demo ${command}`));
      expect(help.out).toBe(flag.out);
    },
  );

  it('no command: usage on stderr, exit 2', async () => {
    const { code, out, err } = await cli([]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^Usage: tracing-demo <command>/);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/, /Usage: tracing-demo <command>/],
    [['--bogus'], /unknown option '--bogus'/, /Usage: tracing-demo <command>/],
    [['trace', 'abc', '--bogus'], /trace: Unknown option '--bogus'$/m, /Usage: tracing-demo trace/],
    [['trace'], /which trace\? give its id/, /Usage: tracing-demo trace/],
    [['trace', 'a', 'b'], /one trace id at a time/, /Usage: tracing-demo trace/],
    [['trace', 'not-hex'], /not a trace id: 'not-hex'/, /^tracing-demo trace/],
    [
      ['trace', 'abc', '--traces-url', 'jaeger:16686'],
      /--traces-url wants an http\(s\) URL, not 'jaeger:16686'/,
      /Usage/,
    ],
    [
      ['trace', 'abc', '--traces-backend', 'zipkin'],
      /--traces-backend wants jaeger or tempo, not 'zipkin'/,
      /Usage: tracing-demo trace/,
    ],
    [['trace', 'abc', '--tempo', 'http://t:3200'], /Unknown option '--tempo'/, /Usage/],
    [
      ['search', '{ status = error }'],
      /a TraceQL query goes in --traceql \(Tempo only\), not '\{ status = error \}'/,
      /Usage: tracing-demo search/,
    ],
    [['search', 'errors'], /search takes filters \(--service, /, /Usage: tracing-demo search/],
    [['search', '--limit', '0'], /--limit wants a positive whole number, not '0'/, /Usage/],
    [['search', '--since', 'yesterday'], /--since wants a duration/, /Usage/],
    [['search', '--min-duration', 'slow'], /--min-duration wants a duration/, /Usage/],
    [
      ['search', '--min-duration', '2s', '--max-duration', '1s'],
      /--min-duration is above --max-duration: no span can match/,
      /Usage/,
    ],
    [['search', '--attr', 'tenant'], /--attr wants KEY=VALUE, not 'tenant'/, /Usage/],
    [['search', '--attr', 'a=1', '--attr', 'a=2'], /--attr a given twice/, /Usage/],
    [
      ['search', '--service', 'x', '--traceql', '{}'],
      /--traceql replaces the filters: put them into the query/,
      /Usage/,
    ],
    [
      ['search', '--since', '1h', '--start', '2026-12-07 10:00'],
      /--since and --start both say when the window begins: give one/,
      /Usage/,
    ],
    [['search', '--start', 'monday'], /--start wants a time like 2026-12-07T10:00:00Z/, /Usage/],
    [
      ['search', '--start', '2026-12-07 10:00', '--end', '2026-12-07 09:00'],
      /the window ends before it starts/,
      /Usage/,
    ],
    [['status', 'now'], /status takes no arguments/, /Usage: tracing-demo status/],
    [
      ['verify', '--local', '-n', 'demo'],
      /--local means no Kubernetes/,
      /Usage: tracing-demo verify/,
    ],
    [
      ['verify', '--no-trace-store', '--traces-url', 'http://jaeger:16686'],
      /--no-trace-store means there is no trace store; --traces-url describes one/,
      /Usage: tracing-demo verify/,
    ],
    [
      ['verify', '--no-trace-store', '--traces-backend', 'jaeger'],
      /--no-trace-store means there is no trace store; --traces-backend describes one/,
      /Usage: tracing-demo verify/,
    ],
    [['verify', '--no-tempo'], /Unknown option '--no-tempo'/, /Usage: tracing-demo verify/],
    [
      ['verify', '--traces-backend', 'zipkin'],
      /--traces-backend wants jaeger or tempo, not 'zipkin'/,
      /Usage: tracing-demo verify/,
    ],
    [
      ['verify', '--timeout', 'forever'],
      /--timeout wants a duration/,
      /Usage: tracing-demo verify/,
    ],
  ])('%j: a clear message (and usage), exit 2', async (args, message, usage) => {
    const { code, out, err } = await cli(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err).toMatch(usage);
  });

  it('a bad TRACES_URL or TRACES_BACKEND is named as the culprit', async () => {
    const url = await cli(['trace', 'abc'], { TRACES_URL: 'nope' });
    expect(url.code).toBe(2);
    expect(url.err).toContain("TRACES_URL wants a URL like http://127.0.0.1:3200, not 'nope'");
    const backend = await cli(['search'], { TRACES_BACKEND: 'elastic' });
    expect(backend.code).toBe(2);
    expect(backend.err).toContain("TRACES_BACKEND wants jaeger or tempo, not 'elastic'");
  });
});

describe('values', () => {
  it('durations: units, combinations, bare seconds', () => {
    expect(parseDuration('--since', '90s', '')).toBe(90_000);
    expect(parseDuration('--since', '15m', '')).toBe(900_000);
    expect(parseDuration('--since', '1h30m', '')).toBe(5_400_000);
    expect(parseDuration('--since', '2d', '')).toBe(172_800_000);
    expect(parseDuration('--since', '500ms', '')).toBe(500);
    expect(parseDuration('--timeout', '120', '')).toBe(120_000);
    for (const bad of ['', 'h', '1x', '1h 30m', '-5s', '1h30'])
      expect(() => parseDuration('--since', bad, '')).toThrow(UsageError);
  });

  it('positive integers only', () => {
    expect(parsePositiveInt('--limit', '5', '')).toBe(5);
    for (const bad of ['0', '-1', '1.5', 'ten', '1e3'])
      expect(() => parsePositiveInt('--limit', bad, '')).toThrow(UsageError);
  });

  it('endpoints: the flag, else the environment variable, else the local port', () => {
    expect(resolveEndpoint('traces', 'http://flag:1', { TRACES_URL: 'http://env:2' }, '')).toBe(
      'http://flag:1',
    );
    expect(resolveEndpoint('traces', undefined, { TRACES_URL: 'http://env:2' }, '')).toBe(
      'http://env:2',
    );
    expect(resolveEndpoint('traces', undefined, { TRACES_URL: '' }, '')).toBe(
      'http://127.0.0.1:16686',
    );
    expect(resolvePipelineEndpoints({}, { PROMETHEUS_URL: 'http://prom:9090' }, '')).toEqual({
      traces: 'http://127.0.0.1:16686',
      prometheus: 'http://prom:9090',
      collectorMetrics: 'http://127.0.0.1:8888/metrics',
      collectorHealth: 'http://127.0.0.1:13133/',
    });
    expect(
      resolvePipelineEndpoints(
        { 'traces-backend': 'tempo', 'traces-url': 'http://tempo:3200' },
        { TRACES_METRICS_URL: 'http://tempo:3200/metrics' },
        '',
      ),
    ).toMatchObject({
      traces: 'http://tempo:3200',
      tracesBackend: 'tempo',
      tracesMetrics: 'http://tempo:3200/metrics',
    });
  });

  it('the backend: the flag, else TRACES_BACKEND, else detect; jaeger or tempo only', () => {
    expect(resolveBackend('Tempo', { TRACES_BACKEND: 'jaeger' }, '')).toBe('tempo');
    expect(resolveBackend(undefined, { TRACES_BACKEND: 'jaeger' }, '')).toBe('jaeger');
    expect(resolveBackend(undefined, { TRACES_BACKEND: '' }, '')).toBeUndefined();
    expect(resolveBackend(undefined, {}, '')).toBeUndefined();
    expect(() => resolveBackend('', {}, '')).toThrow(UsageError);
    expect(() => resolveBackend(undefined, { TRACES_BACKEND: 'zipkin' }, '')).toThrow(
      "TRACES_BACKEND wants jaeger or tempo, not 'zipkin'",
    );
  });

  it("the store's own metrics: as given, else Jaeger's metrics port or Tempo's /metrics", () => {
    const at = (traces: string, tracesMetrics?: string) => ({
      traces,
      prometheus: '',
      collectorMetrics: '',
      collectorHealth: '',
      ...(tracesMetrics ? { tracesMetrics } : {}),
    });
    expect(tracesMetricsUrl(at('http://127.0.0.1:16686/'), 'jaeger')).toBe(
      'http://127.0.0.1:14269/metrics',
    );
    expect(tracesMetricsUrl(at('https://jaeger.example/query'), 'jaeger')).toBe(
      'https://jaeger.example:14269/metrics',
    );
    expect(tracesMetricsUrl(at('http://tempo:3200/'), 'tempo')).toBe('http://tempo:3200/metrics');
    expect(
      tracesMetricsUrl(at('http://jaeger:16686', 'http://jaeger:8888/metrics'), 'jaeger'),
    ).toBe('http://jaeger:8888/metrics');
  });

  it('times: RFC 3339, or local without a zone', () => {
    expect(parseTime('--start', '2026-12-07T10:00:00Z', '').toISOString()).toBe(
      '2026-12-07T10:00:00.000Z',
    );
    expect(parseTime('--start', '2026-12-07T10:00:00+01:00', '').toISOString()).toBe(
      '2026-12-07T09:00:00.000Z',
    );
    expect(parseTime('--start', '2026-12-07 10:00', '').getTime()).toBe(
      new Date(2026, 11, 7, 10, 0).getTime(),
    );
    expect(parseTime('--start', '2026-12-07', '').getTime()).toBe(new Date(2026, 11, 7).getTime());
    for (const bad of ['', 'now', '10:00', '2026-13-40 10:00', '2026-12-07 25:00'])
      expect(() => parseTime('--start', bad, '')).toThrow(UsageError);
  });

  it('colors on a terminal only, never with NO_COLOR, always with FORCE_COLOR', () => {
    const tty = (env: Record<string, string>) => captureIo(env, { isTTY: true, columns: 132 }).io;
    const pipe = (env: Record<string, string>) => captureIo(env).io;
    expect(wantsColor(tty({}))).toBe(true);
    expect(wantsColor(tty({ NO_COLOR: '1' }))).toBe(false);
    expect(wantsColor(tty({ TERM: 'dumb' }))).toBe(false);
    expect(wantsColor(pipe({}))).toBe(false);
    expect(wantsColor(pipe({ FORCE_COLOR: '1' }))).toBe(true);
    expect(outputWidth(tty({}))).toBe(132);
    expect(outputWidth(pipe({}))).toBe(100);
    expect(outputWidth(pipe({}), 70)).toBe(70);
  });
});
