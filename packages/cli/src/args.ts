import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * util.parseArgs, strict, with positionals and `-h/--help` for every command; a bad command
 * line becomes a UsageError carrying the command's usage.
 */
export function parseCommandLine<const O extends Options>(
  args: string[],
  options: O,
  usage: string,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & {
        help: { type: 'boolean'; short: 'h' };
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // Node's messages go on about `--` for positionals; the first sentence is the point.
    const text = error instanceof Error ? error.message : String(error);
    throw new UsageError(text.split(/\.\s/)[0]?.replace(/\.$/, '') ?? text, usage);
  }
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration flag in milliseconds: `90s`, `15m`, `1h30m`, `2d`, `500ms`; a bare number is
 * seconds.
 */
export function parseDuration(flag: string, value: string, usage: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== text)
    throw new UsageError(`${flag} wants a duration like 90s, 15m, 1h or 2d, not '${value}'`, usage);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] as string] as number), 0);
}

/** A positive integer flag. */
export function parsePositiveInt(flag: string, value: string, usage: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} wants a positive whole number, not '${value}'`, usage);
  return n;
}

/** An http(s) URL flag or variable, without a trailing slash unless it is all there is. */
export function parseUrl(source: string, value: string, usage: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} wants a URL like http://127.0.0.1:3200, not '${value}'`, usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${source} wants an http(s) URL, not '${value}'`, usage);
  return value;
}

/**
 * A point in time: RFC 3339 (`2026-12-07T10:00:00Z`, `…+01:00`), or local time without a zone
 * (`2026-12-07 10:00`, `2026-12-07T10:00:30`, `2026-12-07` for its midnight).
 */
export function parseTime(flag: string, value: string, usage: string): Date {
  const text = value.trim();
  const match =
    /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?)?$/i.exec(
      text,
    );
  // Without a time, JavaScript reads a date as UTC midnight: local midnight is meant.
  const date = match ? new Date(`${match[1]}T${match[2] ?? '00:00'}${match[3] ?? ''}`) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw new UsageError(
      `${flag} wants a time like 2026-12-07T10:00:00Z or 2026-12-07 10:00 (local), not '${value}'`,
      usage,
    );
  return date;
}
