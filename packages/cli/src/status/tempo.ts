import { bodySnippet, getText, reachHint, request } from '../http.js';
import { counter, parseMetricsText } from '../metrics-text.js';
import { type ComponentStatus, messageOf, type PipelineEndpoints, trimSlash } from './types.js';

/** Tempo: /ready decides up or down; /metrics adds spans received and discarded. */
export async function checkTempo(endpoints: PipelineEndpoints, warnings: string[]) {
  const base = trimSlash(endpoints.tempo);
  const component = {
    name: 'Tempo',
    baseUrl: base,
    hint: reachHint(base, '--tempo or TEMPO_URL'),
  };
  const status: ComponentStatus = { name: 'tempo', url: base, up: false, details: [] };
  try {
    const response = await request(component, `${base}/ready`);
    const body = await bodySnippet(response);
    if (!response.ok) {
      status.problem = `not ready (${response.status}): ${body}`;
      return { status };
    }
  } catch (error) {
    status.problem = messageOf(error);
    return { status };
  }
  status.up = true;
  status.details.push('ready');
  try {
    const samples = parseMetricsText(await getText(component, `${base}/metrics`));
    const tempo = {
      spansReceived: counter(samples, 'tempo_distributor_spans_received_total') ?? 0,
      spansDiscarded: counter(samples, 'tempo_discarded_spans_total') ?? 0,
    };
    status.details.push(`spans received ${tempo.spansReceived}, discarded ${tempo.spansDiscarded}`);
    if (tempo.spansDiscarded > 0)
      warnings.push(`Tempo discarded ${tempo.spansDiscarded} spans (tempo_discarded_spans_total)`);
    return { status, tempo };
  } catch (error) {
    warnings.push(`Tempo's /metrics is unreadable: ${messageOf(error)}`);
    return { status };
  }
}
