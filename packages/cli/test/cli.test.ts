import { describe, expect, it } from 'vitest';
import { parseDuration, parsePositiveInt } from '../src/args.js';
import { run } from '../src/cli.js';
import { resolveEndpoint, resolvePipelineEndpoints } from '../src/endpoints.js';
import { UsageError } from '../src/errors.js';
import { outputWidth, wantsColor } from '../src/io.js';
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
    expect(out).toContain('TEMPO_URL');
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
      ['trace', 'abc', '--tempo', 'tempo:3200'],
      /--tempo wants an http\(s\) URL, not 'tempo:3200'/,
      /Usage/,
    ],
    [['search'], /give a TraceQL query/, /Usage: tracing-demo search/],
    [['search', '{}', '--limit', '0'], /--limit wants a positive whole number, not '0'/, /Usage/],
    [['search', '{}', '--since', 'yesterday'], /--since wants a duration/, /Usage/],
    [['status', 'now'], /status takes no arguments/, /Usage: tracing-demo status/],
    [
      ['verify', '--local', '-n', 'demo'],
      /--local means no Kubernetes/,
      /Usage: tracing-demo verify/,
    ],
    [
      ['verify', '--no-tempo', '--tempo-url', 'http://tempo:3200'],
      /--no-tempo means there is no Tempo; --tempo-url names one/,
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

  it('a bad TEMPO_URL is named as the culprit', async () => {
    const { code, err } = await cli(['trace', 'abc'], { TEMPO_URL: 'nope' });
    expect(code).toBe(2);
    expect(err).toContain("TEMPO_URL wants a URL like http://127.0.0.1:3200, not 'nope'");
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
    expect(resolveEndpoint('tempo', 'http://flag:1', { TEMPO_URL: 'http://env:2' }, '')).toBe(
      'http://flag:1',
    );
    expect(resolveEndpoint('tempo', undefined, { TEMPO_URL: 'http://env:2' }, '')).toBe(
      'http://env:2',
    );
    expect(resolveEndpoint('tempo', undefined, { TEMPO_URL: '' }, '')).toBe(
      'http://127.0.0.1:3200',
    );
    expect(resolvePipelineEndpoints({}, { PROMETHEUS_URL: 'http://prom:9090' }, '')).toEqual({
      tempo: 'http://127.0.0.1:3200',
      prometheus: 'http://prom:9090',
      collectorMetrics: 'http://127.0.0.1:8888/metrics',
      collectorHealth: 'http://127.0.0.1:13133/',
    });
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
