import {
  LegendDisplayMode,
  LegendPlacement,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  DataqueryBuilder as PromQuery,
  PromQueryFormat,
  QueryEditorMode,
} from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import {
  SearchTableType,
  DataqueryBuilder as TempoQuery,
  TempoQueryType,
} from '@grafana/grafana-foundation-sdk/tempo';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { type JAEGER, PROMETHEUS, TEMPO } from './datasources.ts';

/**
 * Shared panel defaults: every panel names its data source by uid, says what it shows in a
 * description (the (i) tooltip on-call engineers read), and has a unit, so no panel depends on
 * Grafana's defaults changing under it.
 */

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  /** Grid width out of 24. */
  width?: number;
  height?: number;
}

/** A range PromQL query; `legend` uses Grafana's {{label}} syntax. */
export function prom(expr: string, legend: string, options: { exemplar?: boolean } = {}) {
  return new PromQuery()
    .datasource(PROMETHEUS)
    .editorMode(QueryEditorMode.Code)
    .expr(expr)
    .legendFormat(legend)
    .range()
    .exemplar(options.exemplar ?? false);
}

/** An instant PromQL query shaped as a table (one row per series). */
export function promTable(expr: string) {
  return new PromQuery()
    .datasource(PROMETHEUS)
    .editorMode(QueryEditorMode.Code)
    .expr(expr)
    .format(PromQueryFormat.Table)
    .instant();
}

/** A TraceQL search listing matching traces. */
export function traceql(query: string, limit = 20) {
  return new TempoQuery()
    .datasource(TEMPO)
    .queryType(TempoQueryType.Traceql)
    .query(query)
    .limit(limit)
    .tableType(SearchTableType.Traces);
}

export function timeseries(spec: PanelSpec) {
  return new TimeseriesPanel()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .min(0)
    .lineWidth(1)
    .fillOpacity(10)
    .span(spec.width ?? 8)
    .height(spec.height ?? 8)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Bottom)
        .calcs(['mean', 'max']),
    )
    .tooltip(
      new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending),
    );
}

export function table(
  spec: PanelSpec & { datasource?: typeof PROMETHEUS | typeof JAEGER | typeof TEMPO },
) {
  return new TablePanel()
    .title(spec.title)
    .description(spec.description)
    .datasource(spec.datasource ?? PROMETHEUS)
    .unit(spec.unit)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8);
}
