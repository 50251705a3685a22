import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPath } from '@tracing-demo/platform';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART, helmErrors, template } from './helm.ts';

const BAD_VALUES = join(import.meta.dirname, 'bad-values');

/** Each file in bad-values/ starts with `# expect: <text Helm's error must contain>`. */
const badValues = readdirSync(BAD_VALUES)
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file): [string, string] => {
    const expected = /^# expect: (.+)$/m.exec(readFileSync(join(BAD_VALUES, file), 'utf8'))?.[1];
    if (!expected) throw new Error(`${file} has no "# expect:" line`);
    return [file, expected];
  });

describe('values.schema.json', () => {
  it.each(badValues)('rejects %s, naming the value', async (file, expected) => {
    const error = await template(['-f', join(BAD_VALUES, file)]).then(
      () => '',
      (e: Error) => helmErrors(e.message),
    );
    expect(error, 'helm template should have failed').toMatch(/don't meet the specifications/);
    expect(error).toContain(expected);
  });

  it('declares additionalProperties: false on every object that is not a map of typed entries', () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
    const loose: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      // `services` is such a map: a service without a schema of its own gets #/definitions/service.
      const typedMap =
        typeof record.additionalProperties === 'object' &&
        record.additionalProperties !== null &&
        '$ref' in record.additionalProperties;
      if (
        record.type === 'object' &&
        record.properties &&
        record.additionalProperties !== false &&
        !typedMap
      ) {
        loose.push(path);
      }
      for (const [key, child] of Object.entries(record)) walk(child, `${path}/${key}`);
    };
    walk(schema, '#');
    expect(loose).toEqual([]);
  });

  it('has every value it declares in values.yaml, where it is documented', () => {
    const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8'));
    const values = parse(readFileSync(repoPath('charts/tracing-demo/values.yaml'), 'utf8'));
    const missing: string[] = [];
    // Shared definitions ($ref: image, resources, …) may declare more than a given use sets.
    const walk = (node: Record<string, unknown>, value: unknown, path: string) => {
      const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
      if (!properties || node.$ref) return;
      for (const [key, child] of Object.entries(properties)) {
        const here = (value as Record<string, unknown> | undefined)?.[key];
        if (here === undefined) missing.push(`${path}${key}`);
        else walk(child, here, `${path}${key}.`);
      }
    };
    walk(schema, values, '');
    expect(missing).toEqual([]);
  });
});
