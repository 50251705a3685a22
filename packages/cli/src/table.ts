import { columns, padEnd, padStart, truncate } from './format.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The one column that gives up width when the table is wider than the terminal. */
  flexible?: boolean;
}

/**
 * A plain text table, columns two spaces apart, fitted into `width` by truncating the flexible
 * column. `decorate` styles a cell after layout (colors do not count towards widths).
 */
export function renderTable(
  headers: Column[],
  rows: string[][],
  width: number,
  decorate: (row: number, column: number, text: string) => string = (_r, _c, text) => text,
): string {
  const widths = headers.map((column, i) => {
    let width = columns(column.header);
    for (const row of rows) width = Math.max(width, columns(row[i] ?? ''));
    return width;
  });
  const total = widths.reduce((sum, w) => sum + w, 0) + 2 * (headers.length - 1);
  const flex = headers.findIndex((column) => column.flexible);
  if (total > width && flex >= 0) {
    const shrunk = (widths[flex] as number) - (total - width);
    widths[flex] = Math.max(columns(headers[flex]?.header ?? ''), 8, shrunk);
  }
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, i) => {
        const w = widths[i] as number;
        const text = truncate(cell, w);
        const padded = headers[i]?.align === 'right' ? padStart(text, w) : padEnd(text, w);
        if (row < 0) return padded;
        // Style the text, keep the padding plain.
        return padded.replace(text, decorate(row, i, text));
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      headers.map((column) => column.header),
      -1,
    ),
    ...rows.map(line),
  ].join('\n');
}
