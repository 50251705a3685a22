/**
 * Grafana, when a Grafana binary is installed (`grafana` or `grafana-server` on PATH, or
 * GRAFANA_HOME): the project's provisioning with the data sources of the local Prometheus and
 * the trace store that runs (uid `traces`), the generated dashboards for every store and for that
 * one. No Grafana here is not an error: the stack carries on.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnManaged, TRACE_STORES, type TraceStoreName, whenReady } from '@tracing-demo/platform';
import { parse, stringify } from 'yaml';

const grafanaDir = join(import.meta.dirname, '..', 'grafana');

export interface GrafanaProcess {
  url: string;
  stop(): Promise<unknown>;
}

function findGrafana(): { command: string; args: string[]; home: string } | undefined {
  const onPath = (name: string) => {
    const found = spawnSync('sh', ['-c', `command -v ${name}`])
      .stdout.toString()
      .trim();
    return found ? realpathSync(found) : undefined;
  };
  const home = process.env.GRAFANA_HOME;
  const grafana = home ? join(home, 'bin', 'grafana') : onPath('grafana');
  const homeOf = (binary: string) =>
    home ??
    [join(dirname(binary), '..'), '/usr/share/grafana'].find((dir) =>
      existsSync(join(dir, 'conf', 'defaults.ini')),
    );
  if (grafana && existsSync(grafana)) {
    const dir = homeOf(grafana);
    if (dir) return { command: grafana, args: ['server', '--homepath', dir], home: dir };
  }
  const legacy = onPath('grafana-server');
  const dir = legacy && homeOf(legacy);
  return legacy && dir ? { command: legacy, args: ['--homepath', dir], home: dir } : undefined;
}

/**
 * The provisioning files as they are, as the chart picks them: the data sources but the other
 * store's file (each store's file defines uid `traces`), and a dashboards provider reading the
 * shared dashboards plus the store's own (grafana/dashboards/<store>/), gathered in one folder.
 */
function provisioning(stateDir: string, traceStore: TraceStoreName): string {
  const dir = join(stateDir, 'provisioning');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(grafanaDir, 'provisioning'), dir, { recursive: true });
  for (const store of TRACE_STORES.filter((s) => s !== traceStore))
    rmSync(join(dir, 'datasources', `${store}.yaml`), { force: true });

  const dashboards = join(stateDir, 'dashboards');
  rmSync(dashboards, { recursive: true, force: true });
  mkdirSync(dashboards, { recursive: true });
  for (const from of [join(grafanaDir, 'dashboards'), join(grafanaDir, 'dashboards', traceStore)]) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from).filter((n) => n.endsWith('.json')))
      cpSync(join(from, name), join(dashboards, name));
  }
  const providerFile = join(dir, 'dashboards', 'dashboards.yaml');
  const providers = parse(readFileSync(providerFile, 'utf8'));
  for (const provider of providers.providers) provider.options.path = dashboards;
  writeFileSync(providerFile, stringify(providers));
  return dir;
}

export async function startGrafana(options: {
  port: number;
  stateDir: string;
  prometheusUrl: string;
  traceStore: TraceStoreName;
  /** The trace store's query API, the `traces` data source's URL. */
  tracesUrl: string;
  logFile: string;
}): Promise<GrafanaProcess | { skipped: string }> {
  const grafana = findGrafana();
  if (!grafana) {
    return {
      skipped:
        'no Grafana binary found (install Grafana or set GRAFANA_HOME); its provisioning and dashboards are in grafana/',
    };
  }
  mkdirSync(options.stateDir, { recursive: true });
  const process_ = spawnManaged(grafana.command, grafana.args, {
    env: {
      PATH: process.env.PATH ?? '',
      GF_SERVER_HTTP_ADDR: '127.0.0.1',
      GF_SERVER_HTTP_PORT: String(options.port),
      GF_PATHS_DATA: join(options.stateDir, 'data'),
      GF_PATHS_LOGS: join(options.stateDir, 'logs'),
      GF_PATHS_PLUGINS: join(options.stateDir, 'plugins'),
      GF_PATHS_PROVISIONING: provisioning(options.stateDir, options.traceStore),
      // A developer's own machine on loopback: no login screen.
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Admin',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      PROMETHEUS_URL: options.prometheusUrl,
      TRACES_URL: options.tracesUrl,
    },
    cwd: grafana.home,
    logFile: options.logFile,
  });
  const url = `http://127.0.0.1:${options.port}`;
  await whenReady(process_, 'grafana', async () => (await fetch(`${url}/api/health`)).ok, 120_000);
  return { url, stop: process_.stop };
}
