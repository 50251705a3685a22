/**
 * A strict structural JSON Schema for the fields Grafana needs in a classic (schemaVersion ~42)
 * dashboard, plus this project's conventions. NOT Grafana's own schema: none ships offline
 * (@grafana/schema is not installed and the foundation SDK has TypeScript types only).
 */
const datasourceRef = {
  type: 'object',
  required: ['type', 'uid'],
  properties: { type: { enum: ['prometheus', 'tempo'] }, uid: { type: 'string', minLength: 1 } },
};

const gridPos = {
  type: 'object',
  required: ['x', 'y', 'w', 'h'],
  properties: {
    x: { type: 'integer', minimum: 0, maximum: 23 },
    y: { type: 'integer', minimum: 0 },
    w: { type: 'integer', minimum: 1, maximum: 24 },
    h: { type: 'integer', minimum: 1 },
  },
};

const target = {
  type: 'object',
  required: ['refId', 'datasource'],
  properties: { refId: { type: 'string', pattern: '^[A-Z]$' }, datasource: datasourceRef },
};

const panel = {
  type: 'object',
  required: ['type', 'id', 'title', 'description', 'gridPos', 'datasource', 'targets'],
  properties: {
    type: { enum: ['timeseries', 'table', 'nodeGraph'] },
    id: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string', minLength: 10 },
    gridPos,
    datasource: datasourceRef,
    targets: { type: 'array', minItems: 1, items: target },
    fieldConfig: {
      type: 'object',
      required: ['defaults', 'overrides'],
      properties: { defaults: { type: 'object' }, overrides: { type: 'array' } },
    },
    options: { type: 'object' },
  },
  // Panels that show numbers say in what unit.
  if: { type: 'object', properties: { type: { enum: ['timeseries', 'table'] } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
  then: {
    required: ['fieldConfig'],
    properties: {
      fieldConfig: {
        type: 'object',
        properties: {
          defaults: {
            type: 'object',
            required: ['unit'],
            properties: { unit: { type: 'string', minLength: 1 } },
          },
        },
      },
    },
  },
};

const row = {
  type: 'object',
  required: ['type', 'id', 'title', 'gridPos', 'collapsed', 'panels'],
  properties: {
    type: { const: 'row' },
    id: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1 },
    gridPos,
    collapsed: { type: 'boolean' },
    panels: { type: 'array', items: panel },
  },
  // Grafana keeps an open row's panels at the top level; only a collapsed row holds them.
  if: { type: 'object', properties: { collapsed: { const: false } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
  then: { properties: { panels: { type: 'array', maxItems: 0 } } },
  else: { properties: { panels: { type: 'array', minItems: 1 } } },
};

const variable = {
  type: 'object',
  required: ['name', 'type', 'current'],
  properties: {
    name: { type: 'string', pattern: '^[a-z_]+$' },
    type: { enum: ['custom', 'query', 'datasource', 'interval', 'constant', 'textbox'] },
    current: { type: 'object', required: ['text', 'value'] },
  },
};

export const dashboardSchema = {
  type: 'object',
  required: [
    'uid',
    'title',
    'tags',
    'schemaVersion',
    'time',
    'panels',
    'templating',
    'annotations',
  ],
  properties: {
    uid: { type: 'string', pattern: '^tracing-demo-[a-z-]+$', maxLength: 40 },
    title: { type: 'string', pattern: '^Tracing demo / ' },
    description: { type: 'string', minLength: 10 },
    tags: { type: 'array', contains: { const: 'tracing-demo' }, items: { type: 'string' } },
    schemaVersion: { type: 'integer', minimum: 39 },
    editable: { type: 'boolean' },
    time: {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: { type: 'string' }, to: { type: 'string' } },
    },
    refresh: { type: 'string' },
    templating: {
      type: 'object',
      required: ['list'],
      properties: { list: { type: 'array', items: variable } },
    },
    annotations: { type: 'object', required: ['list'], properties: { list: { type: 'array' } } },
    panels: {
      type: 'array',
      minItems: 1,
      items: {
        if: { type: 'object', properties: { type: { const: 'row' } } },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword
        then: row,
        else: panel,
      },
    },
  },
};
