/** A tiny hand-made SVG line chart: axes, ticks, one polyline per series, a legend. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './report.ts';

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { name: string; points: [number, number][] }[];
  /** Draw y = x (e.g. accepted = offered). */
  diagonal?: boolean;
  quick?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10;
  return nice * magnitude;
}

const short = (value: number) =>
  Math.abs(value) >= 1000
    ? `${Number((value / 1000).toFixed(1))}k`
    : String(Number(value.toFixed(2)));

export function renderChart(spec: ChartSpec): string {
  const width = 640;
  const height = 400;
  const margin = { left: 70, right: 20, top: 40, bottom: 70 };
  const all = spec.series.flatMap((s) => s.points);
  const maxX = Math.max(1, ...all.map(([x]) => x));
  const maxY = Math.max(1, ...all.map(([, y]) => y), spec.diagonal ? maxX : 0);
  const stepX = niceStep(maxX, 6);
  const stepY = niceStep(maxY, 6);
  const top = { x: Math.ceil(maxX / stepX) * stepX, y: Math.ceil(maxY / stepY) * stepY };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sx = (x: number) => margin.left + (x / top.x) * plotW;
  const sy = (y: number) => margin.top + plotH - (y / top.y) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${xml(spec.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${xml(spec.title)}</text>`,
  ];
  for (let x = 0; x <= top.x + 1e-9; x += stepX) {
    parts.push(
      `<line x1="${sx(x)}" y1="${margin.top}" x2="${sx(x)}" y2="${margin.top + plotH}" stroke="#eee"/>`,
      `<text x="${sx(x)}" y="${margin.top + plotH + 16}" text-anchor="middle">${short(x)}</text>`,
    );
  }
  for (let y = 0; y <= top.y + 1e-9; y += stepY) {
    parts.push(
      `<line x1="${margin.left}" y1="${sy(y)}" x2="${margin.left + plotW}" y2="${sy(y)}" stroke="#eee"/>`,
      `<text x="${margin.left - 6}" y="${sy(y) + 4}" text-anchor="end">${short(y)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 36}" text-anchor="middle">${xml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xml(spec.yLabel)}</text>`,
  );
  if (spec.diagonal) {
    const end = Math.min(top.x, top.y);
    parts.push(
      `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(end)}" y2="${sy(end)}" stroke="#999" stroke-dasharray="4 4"/>`,
    );
  }
  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const points = series.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
      ...series.points.map(
        ([x, y]) =>
          `<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`,
      ),
      `<line x1="${margin.left + 10 + i * 200}" y1="${height - 14}" x2="${margin.left + 30 + i * 200}" y2="${height - 14}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${margin.left + 36 + i * 200}" y="${height - 10}">${xml(series.name)}</text>`,
    );
  });
  if (spec.diagonal) {
    const x = margin.left + 10 + spec.series.length * 200;
    parts.push(
      `<line x1="${x}" y1="${height - 14}" x2="${x + 20}" y2="${height - 14}" stroke="#999" stroke-dasharray="4 4"/>`,
      `<text x="${x + 26}" y="${height - 10}">accepted = offered</text>`,
    );
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Writes bench/results/<name>.svg (<name>.quick.svg for smoke runs); returns the file name. */
export function writeChart(name: string, spec: ChartSpec): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = `${name}${spec.quick ? '.quick' : ''}.svg`;
  writeFileSync(join(RESULTS_DIR, file), renderChart(spec));
  return file;
}
