import type { PlacementConstraint } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

const KEYS = ['Type', 'Expression'] as const;
/**
 * ECS API reference, RunTask `placementConstraints` and PlacementConstraint: at most 10 constraints per task (those
 * of the task definition count too), `type` distinctInstance | memberOf, `expression` a cluster query language
 * expression of at most 2000 characters, not allowed with distinctInstance. Not supported on Fargate.
 */
const TYPES = ['distinctInstance', 'memberOf'] as const;
export const MAX_PLACEMENT_CONSTRAINTS = 10;
const MAX_EXPRESSION = 2000;

/** `PlacementConstraints: [{ Type, Expression }]`, as in `AWS::ECS::Service`; refused when the tasks run on Fargate. */
export function readPlacementConstraints(reader: PropertyReader, value: unknown, fargate: boolean | undefined): PlacementConstraint[] | undefined {
  const list = reader.list('PlacementConstraints', value);
  if (!list) return undefined;
  if (fargate === true) return reader.problem('PlacementConstraints', FARGATE_PLACES_ITSELF);
  if (list.length > MAX_PLACEMENT_CONSTRAINTS) {
    return reader.problem('PlacementConstraints', `has ${list.length} entries; a task takes at most ${MAX_PLACEMENT_CONSTRAINTS}, those of the task definition included`);
  }
  const constraints = list.map((entry, index) => {
    const itemReader = reader.nested(`${reader.path}PlacementConstraints[${index}].`);
    const item = itemReader.object('', entry);
    if (!item) return undefined;
    itemReader.rejectUnknown(item, KEYS);
    const type = itemReader.oneOf('Type', item.Type, TYPES, { required: true });
    const expression = itemReader.string('Expression', item.Expression, { maxLength: MAX_EXPRESSION });
    if (type === 'memberOf' && expression === undefined && item.Expression === undefined) {
      return itemReader.problem('Expression', 'is required for memberOf: a cluster query language expression, e.g. "attribute:ecs.instance-type =~ c5.*"');
    }
    if (type === 'distinctInstance' && expression !== undefined) return itemReader.problem('Expression', 'applies to memberOf only; distinctInstance takes none');
    return type === undefined ? undefined : { type, ...(expression === undefined ? {} : { expression }) };
  });
  return constraints.every((constraint) => constraint !== undefined) ? constraints : undefined;
}

/** Why placement properties are refused for Fargate tasks. */
export const FARGATE_PLACES_ITSELF =
  'applies to tasks on EC2 and external instances only; Fargate places tasks itself — remove it, or use LaunchType EC2 (or a strategy of EC2 capacity providers)';
