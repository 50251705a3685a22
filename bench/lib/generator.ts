/**
 * The collector capacity benchmark's load generator, run as its own process (pinned to another
 * core than the collector): `node bench/lib/generator.ts '<json GeneratorConfig>'`. Sends
 * pre-encoded OTLP/protobuf export requests with fresh trace ids at a fixed span rate, paced in
 * 5 ms ticks over keep-alive connections, and prints one JSON GeneratorReport line at the end.
 */
import { Agent, request } from 'node:http';
import { latencyOf } from './load.ts';
import { prepareRequests, withFreshTraceIds } from './otlp-proto.ts';

export interface GeneratorConfig {
  url: string;
  spansPerSecond: number;
  seconds: number;
  tracesPerRequest: number;
  connections: number;
  mix: { error: number; slow: number };
}

export interface GeneratorReport {
  offeredSpansPerSecond: number;
  seconds: number;
  requestsSent: number;
  requestsOk: number;
  spansSent: number;
  spansOk: number;
  /** Spans in requests the collector answered with anything but 2xx, by status. */
  refusedByStatus: Record<string, number>;
  transportErrors: number;
  achievedSpansPerSecond: number;
  /** Ticks when the generator could not send what the schedule asked (all connections busy). */
  lateTicks: number;
  requestLatencyMs: { p50: number; p99: number; max: number };
  bytesSent: number;
  /** The generator's own CPU over the run, and as a share of one core. */
  cpuSeconds: number;
  cpuShareOfCore: number;
}

async function main(config: GeneratorConfig): Promise<GeneratorReport> {
  const prepared = prepareRequests(100, config.tracesPerRequest, config.mix);
  const spansPerRequest = prepared[0]?.spans ?? 1;
  const requestsPerSecond = config.spansPerSecond / spansPerRequest;
  const agent = new Agent({ keepAlive: true, maxSockets: config.connections });
  const target = new URL('/v1/traces', config.url);
  const report = {
    requestsSent: 0,
    requestsOk: 0,
    spansSent: 0,
    spansOk: 0,
    refusedByStatus: {} as Record<string, number>,
    transportErrors: 0,
    lateTicks: 0,
    bytesSent: 0,
  };
  const latencies: number[] = [];
  let inFlight = 0;
  let next = 0;
  const send = () => {
    const template = prepared[next++ % prepared.length];
    if (!template) return;
    const body = withFreshTraceIds(template);
    inFlight++;
    report.requestsSent++;
    report.spansSent += template.spans;
    report.bytesSent += body.length;
    const began = performance.now();
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight--;
          latencies.push(performance.now() - began);
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            report.requestsOk++;
            report.spansOk += template.spans;
          } else {
            report.refusedByStatus[status] = (report.refusedByStatus[status] ?? 0) + template.spans;
          }
        });
      },
    );
    req.on('error', () => {
      inFlight--;
      report.transportErrors++;
    });
    req.end(body);
  };

  const cpuBefore = process.cpuUsage();
  const began = performance.now();
  const end = began + config.seconds * 1000;
  let due = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= end) return resolve();
      due = Math.floor(((now - began) / 1000) * requestsPerSecond);
      let late = false;
      while (report.requestsSent < due) {
        if (inFlight >= config.connections) {
          late = true;
          break;
        }
        send();
      }
      if (late) report.lateTicks++;
      setTimeout(tick, 5);
    };
    tick();
  });
  const seconds = (performance.now() - began) / 1000;
  // Answers still on their way count; give them a moment.
  const drainUntil = performance.now() + 10_000;
  while (inFlight > 0 && performance.now() < drainUntil) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  const latency = latencyOf(latencies);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    offeredSpansPerSecond: config.spansPerSecond,
    seconds,
    ...report,
    achievedSpansPerSecond: report.spansOk / seconds,
    requestLatencyMs: { p50: latency.p50, p99: latency.p99, max: latency.max },
    cpuSeconds,
    cpuShareOfCore: cpuSeconds / seconds,
  };
}

if (import.meta.main) {
  const config = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
  const report = await main(config);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
