/**
 * ANSI styling that is a no-op when colors are off, so rendering code looks the same either
 * way and output without colors is byte-for-byte what tests and pipes see.
 */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  /** A stable color per service, so a service keeps its color across spans and runs. */
  service(name: string, text?: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

// Cyan, blue, magenta, green, yellow and their bright variants: never red, which means error.
const SERVICE_COLORS = [36, 34, 35, 32, 33, 96, 94, 95, 92, 93];

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return h;
}

export function createStyle(color: boolean): Style {
  if (!color) {
    const same = (text: string) => text;
    return {
      bold: same,
      dim: same,
      red: same,
      green: same,
      yellow: same,
      service: (name, text = name) => text,
    };
  }
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    service: (name, text = name) =>
      wrap(SERVICE_COLORS[hash(name) % SERVICE_COLORS.length] as number, 39)(text),
  };
}
