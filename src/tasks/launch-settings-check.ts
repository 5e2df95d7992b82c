import { MAX_PLACEMENT_CONSTRAINTS } from '../properties/placement-constraints';
import type { RunnerProperties } from '../properties/runner-properties';
import { resourceName } from '../shared/arns';
import type { TaskDefinitionFacts } from './task-definition-facts';

/**
 * Launch settings that only make sense together with the task definition: each of `VolumeConfigurations` must name
 * a volume the task definition marks `configuredAtLaunch`, and its placement constraints count against RunTask's 10.
 * Returns a problem for each mismatch, naming what the task definition has.
 */
/** The launch settings checked against the task definition. */
export type LaunchSettings = Pick<RunnerProperties, 'volumeConfigurations' | 'placementConstraints'>;

export function checkLaunchSettings(properties: LaunchSettings, definition: TaskDefinitionFacts): string[] {
  const problems: string[] = [];
  const name = resourceName(definition.arn);
  (properties.volumeConfigurations ?? []).forEach((volume, index) => {
    if (volume.name === undefined || definition.configuredAtLaunchVolumes.includes(volume.name)) return;
    const where = `VolumeConfigurations[${index}].Name`;
    const configurable =
      definition.configuredAtLaunchVolumes.length > 0
        ? `its volumes configured at launch are ${quoted(definition.configuredAtLaunchVolumes)}`
        : 'it has no volume configured at launch';
    if (definition.volumeNames.includes(volume.name)) {
      problems.push(
        `${where}: volume ${JSON.stringify(volume.name)} of task definition ${name} is not ConfiguredAtLaunch` +
          ` (${configurable}) — register the task definition with ConfiguredAtLaunch: true on that volume`,
      );
    } else {
      const has =
        definition.volumeNames.length > 0 ? `its volumes are ${quoted(definition.volumeNames)}` : 'it has no volumes';
      const andConfigurable = definition.volumeNames.length > 0 ? `, and ${configurable}` : '';
      problems.push(
        `${where}: task definition ${name} has no volume ${JSON.stringify(volume.name)}; ${has}${andConfigurable}`,
      );
    }
  });
  const constraints = properties.placementConstraints?.length ?? 0;
  const total = constraints + definition.placementConstraintCount;
  if (constraints > 0 && total > MAX_PLACEMENT_CONSTRAINTS) {
    problems.push(
      `PlacementConstraints: ${constraints} here and ${definition.placementConstraintCount} in task definition ${name}` +
        ` make ${total}; a task takes at most ${MAX_PLACEMENT_CONSTRAINTS}`,
    );
  }
  return problems;
}

function quoted(names: readonly string[]): string {
  return names.map((known) => JSON.stringify(known)).join(', ');
}
