/**
 * Probe endpoints every service serves. Kubelets call them every few seconds; tracing them
 * would drown real traffic in the span metrics and cost sampler memory, so the fastify
 * instrumentation, which makes every SERVER span, skips them.
 */
export const HEALTH_PATHS: readonly string[] = ['/healthz', '/readyz'];

export function isHealthPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const path = url.split('?', 1)[0] ?? url;
  return HEALTH_PATHS.includes(path);
}
