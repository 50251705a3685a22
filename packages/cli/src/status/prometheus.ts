import { bodySnippet, getText, reachHint, request } from '../http.js';
import {
  type ComponentStatus,
  messageOf,
  type PipelineEndpoints,
  type PrometheusAlert,
  type PrometheusTarget,
  trimSlash,
} from './types.js';

/** Prometheus: /-/ready decides up or down; targets and alerts become details and warnings. */
interface PrometheusApi<T> {
  status: string;
  data: T;
}

export async function checkPrometheus(endpoints: PipelineEndpoints, warnings: string[]) {
  const base = trimSlash(endpoints.prometheus);
  const component = {
    name: 'Prometheus',
    baseUrl: base,
    hint: reachHint(base, '--prometheus or PROMETHEUS_URL'),
  };
  const status: ComponentStatus = { name: 'prometheus', url: base, up: false, details: [] };
  try {
    const response = await request(component, `${base}/-/ready`);
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
    const [targetsBody, alertsBody] = await Promise.all([
      getText(component, `${base}/api/v1/targets?state=active`),
      getText(component, `${base}/api/v1/alerts`),
    ]);
    const targetsJson = JSON.parse(targetsBody) as PrometheusApi<{
      activeTargets?: {
        labels?: Record<string, string>;
        scrapePool?: string;
        health?: string;
        lastError?: string;
      }[];
    }>;
    const alertsJson = JSON.parse(alertsBody) as PrometheusApi<{
      alerts?: {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        state?: string;
      }[];
    }>;
    const targets = (targetsJson.data.activeTargets ?? []).map(
      (t): PrometheusTarget => ({
        job: t.labels?.job ?? t.scrapePool ?? '',
        instance: t.labels?.instance ?? '',
        health: t.health === 'up' || t.health === 'down' ? t.health : 'unknown',
        // `Get "http://…/metrics": dial tcp …: connect: connection refused` → the last clause.
        lastError: (t.lastError ?? '').split(': ').at(-1) ?? '',
      }),
    );
    const alerts = (alertsJson.data.alerts ?? []).map(
      (a): PrometheusAlert => ({
        name: a.labels?.alertname ?? '',
        state: a.state === 'firing' || a.state === 'pending' ? a.state : 'inactive',
        severity: a.labels?.severity ?? '',
        summary: a.annotations?.summary ?? '',
      }),
    );
    const up = targets.filter((t) => t.health === 'up').length;
    const firing = alerts.filter((a) => a.state === 'firing');
    const pending = alerts.filter((a) => a.state === 'pending').length;
    status.details.push(
      `targets ${up}/${targets.length} up`,
      `alerts ${firing.length} firing, ${pending} pending`,
    );
    for (const target of targets.filter((t) => t.health === 'down'))
      warnings.push(
        `target ${target.job} (${target.instance}) is down${target.lastError ? `: ${target.lastError}` : ''}`,
      );
    for (const alert of firing)
      warnings.push(
        `alert ${alert.name} is firing${alert.severity ? ` (${alert.severity})` : ''}${alert.summary ? `: ${alert.summary}` : ''}`,
      );
    return { status, prometheus: { targets, alerts } };
  } catch (error) {
    warnings.push(`Prometheus' targets or alerts are unreadable: ${messageOf(error)}`);
    return { status };
  }
}
