/** A Deployment or StatefulSet, reduced to what readiness depends on. */
export interface Workload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  /** spec.replicas (1 when unset). */
  desired: number;
  /** status.readyReplicas. */
  ready: number;
  /** status.updatedReplicas: pods already running the current template. */
  updated: number;
  /** metadata.generation and status.observedGeneration: has the controller seen the change? */
  generation?: number;
  observedGeneration?: number;
}

/** Why `workload` is not ready, or undefined when it is. */
export function notReadyReason(workload: Workload): string | undefined {
  const { desired, ready, updated, generation, observedGeneration } = workload;
  if (generation !== undefined && (observedGeneration ?? 0) < generation)
    return 'its controller has not picked up the latest change yet';
  if (ready < desired) return `${ready}/${desired} ready`;
  // StatefulSets with OnDelete updates never count pods as updated; readiness is what counts.
  if (workload.kind === 'Deployment' && updated < desired)
    return `rolling out: ${updated}/${desired} updated`;
  return undefined;
}

export interface ReadinessReport {
  ok: boolean;
  /** One line: what is ready, or which ones are not and why. */
  summary: string;
}

const ref = (w: Workload) => `${w.kind.toLowerCase()}/${w.name}`;

/**
 * Every workload of the release must have all its desired replicas ready and updated. No
 * workloads at all means the release is not there (or the label is not what the chart sets).
 */
export function evaluateReadiness(
  workloads: readonly Workload[],
  where: { namespace: string; release: string },
): ReadinessReport {
  if (workloads.length === 0)
    return {
      ok: false,
      summary:
        `no Deployments or StatefulSets labelled app.kubernetes.io/instance=${where.release} in ` +
        `namespace ${where.namespace}: is the release installed there? (helm list -n ${where.namespace})`,
    };
  const problems = [...workloads]
    .sort((a, b) => ref(a).localeCompare(ref(b)))
    .flatMap((w) => {
      const reason = notReadyReason(w);
      return reason ? [`${ref(w)} ${reason}`] : [];
    });
  const deployments = workloads.filter((w) => w.kind === 'Deployment').length;
  const statefulSets = workloads.length - deployments;
  const kinds = `${deployments} Deployment${deployments === 1 ? '' : 's'}, ${statefulSets} StatefulSet${statefulSets === 1 ? '' : 's'}`;
  if (problems.length === 0)
    return { ok: true, summary: `${workloads.length} of ${workloads.length} ready (${kinds})` };
  return {
    ok: false,
    summary: `${problems.length} of ${workloads.length} not ready: ${problems.join('; ')}`,
  };
}
