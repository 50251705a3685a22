/**
 * Probe endpoints every service serves. Kubelets call them every few seconds; tracing them
 * would drown real traffic in the span metrics and cost sampler memory, so the HTTP and fastify
 * instrumentations both skip them.
 */
export const HEALTH_PATHS: readonly string[] = ['/healthz', '/readyz'];

export function isHealthPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const path = url.split('?', 1)[0] ?? url;
  return HEALTH_PATHS.includes(path);
}
