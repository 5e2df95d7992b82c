/** The clusters the sweep looks in, from SWEEP_CLUSTERS: what it read, and the entries it ignored. */
export interface SweepClusters {
  clusters: string[];
  ignored: string[];
}

/**
 * SWEEP_CLUSTERS: the clusters the runner may use, comma-separated, as cluster ARNs or names (the template sets it
 * from ClusterArns, the CDK construct from its `clusters`). The runner learns its clusters from each request's
 * `Cluster` and keeps none, so the sweep is told where to look; a cluster its role does not cover is refused by ECS
 * and logged. Blank entries are dropped, repeats kept once; an entry with a space or a comma inside is no cluster.
 */
export function sweepClusters(value: string | undefined): SweepClusters {
  const entries = (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const valid = entries.filter((entry) => /^[A-Za-z0-9:/_.-]+$/.test(entry));
  return { clusters: [...new Set(valid)], ignored: entries.filter((entry) => !valid.includes(entry)) };
}
