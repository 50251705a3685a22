import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { type DataQuery, DataQueryBuilder } from '@grafana/grafana-foundation-sdk/common';
import { JAEGER } from './datasources.ts';

/**
 * A query of Grafana's Jaeger data source. The foundation SDK has no Jaeger types, so this
 * extends its generic DataQuery with the Jaeger plugin's query fields (its JaegerQuery model):
 * `search` calls Jaeger's /api/traces (service required; tags in logfmt; durations like `1.2s`,
 * `100ms`), `dependencyGraph` calls /api/dependencies. test/grafana checks every Jaeger target
 * against this model and runs each one against the real Jaeger.
 */
export interface JaegerQuery {
  queryType?: 'search' | 'dependencyGraph';
  service?: string;
  operation?: string;
  /** logfmt, e.g. `error=true http.route=/orders`. */
  tags?: string;
  minDuration?: string;
  maxDuration?: string;
  limit?: number;
}

export class JaegerQueryBuilder extends DataQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor() {
    super();
    this.datasource(JAEGER);
  }

  private get fields(): DataQuery & JaegerQuery {
    return this.internal as DataQuery & JaegerQuery;
  }

  override build(): DataQuery & JaegerQuery & cog.Dataquery {
    // The marker method of the SDK's query variants; JSON serialization drops it.
    return { ...this.fields, _implementsDataqueryVariant() {} };
  }

  service(service: string): this {
    this.fields.service = service;
    return this;
  }

  operation(operation: string): this {
    this.fields.operation = operation;
    return this;
  }

  tags(tags: string): this {
    this.fields.tags = tags;
    return this;
  }

  minDuration(duration: string): this {
    this.fields.minDuration = duration;
    return this;
  }

  maxDuration(duration: string): this {
    this.fields.maxDuration = duration;
    return this;
  }

  limit(limit: number): this {
    this.fields.limit = limit;
    return this;
  }
}

/** A trace search listing matching traces of one service (Jaeger needs a service to search). */
export function jaegerSearch(service: string, limit = 20) {
  return new JaegerQueryBuilder().queryType('search').service(service).limit(limit);
}

/** Jaeger's service dependency graph over the dashboard's time range, for a node graph panel. */
export function jaegerDependencies() {
  return new JaegerQueryBuilder().queryType('dependencyGraph');
}
