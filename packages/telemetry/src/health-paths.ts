/**
 * Probe endpoints every service serves, never traced: kubelets call them every few seconds, which
 * would drown real traffic in the span metrics and cost sampler memory.
 */
export const HEALTH_PATHS: readonly string[] = ['/healthz', '/readyz'];

export function isHealthPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const path = url.split('?', 1)[0] ?? url;
  return HEALTH_PATHS.includes(path);
}
