import type { PlacementStrategy } from '@aws-sdk/client-ecs';
import { FARGATE_PLACES_ITSELF } from './placement-constraints';
import type { PropertyReader } from './property-reader';

const KEYS = ['Type', 'Field'] as const;
/**
 * ECS API reference, RunTask `placementStrategy` and PlacementStrategy: at most 5 strategy rules per task, `type`
 * random | spread | binpack. `field`: for spread instanceId (or host) or an attribute such as
 * attribute:ecs.availability-zone; for binpack cpu or memory; random takes none.
 */
const TYPES = ['random', 'spread', 'binpack'] as const;
const MAX_STRATEGIES = 5;
const BINPACK_FIELDS = ['cpu', 'memory'] as const;
const SPREAD_FIELD = {
  pattern: /^(instanceId|host|attribute:\S+)$/,
  patternHint: 'is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
};

/** `PlacementStrategy: [{ Type, Field }]`, as in `AWS::ECS::Service`; refused when the tasks run on Fargate. */
export function readPlacementStrategy(
  reader: PropertyReader,
  value: unknown,
  fargate: boolean | undefined,
): PlacementStrategy[] | undefined {
  if (value !== undefined && fargate === true) return reader.problem('PlacementStrategy', FARGATE_PLACES_ITSELF);
  return reader.objectList('PlacementStrategy', value, readStrategy, {
    max: MAX_STRATEGIES,
    tooMany: (count) => `has ${count} entries; a task takes at most ${MAX_STRATEGIES}`,
  });
}

function readStrategy(reader: PropertyReader, item: Record<string, unknown>): PlacementStrategy | undefined {
  reader.rejectUnknown(item, KEYS);
  const type = reader.oneOf('Type', item.Type, TYPES, { required: true });
  const fieldGiven = item.Field !== undefined && item.Field !== '';
  switch (type) {
    case undefined:
      return undefined;
    case 'random':
      return fieldGiven ? reader.problem('Field', 'applies to spread and binpack only; random takes none') : { type };
    case 'binpack': {
      const field = reader.oneOf('Field', item.Field, BINPACK_FIELDS, { required: true });
      return field === undefined ? undefined : { type, field };
    }
    case 'spread': {
      if (!fieldGiven)
        return reader.problem(
          'Field',
          'is required for spread: instanceId, host or an attribute such as attribute:ecs.availability-zone',
        );
      const field = reader.string('Field', item.Field, SPREAD_FIELD);
      return field === undefined ? undefined : { type, field };
    }
  }
}
