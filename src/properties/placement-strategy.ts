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
const SPREAD_FIELD = /^(instanceId|host|attribute:\S+)$/;

/** `PlacementStrategy: [{ Type, Field }]`, as in `AWS::ECS::Service`; refused when the tasks run on Fargate. */
export function readPlacementStrategy(reader: PropertyReader, value: unknown, fargate: boolean | undefined): PlacementStrategy[] | undefined {
  const list = reader.list('PlacementStrategy', value);
  if (!list) return undefined;
  if (fargate === true) return reader.problem('PlacementStrategy', FARGATE_PLACES_ITSELF);
  if (list.length > MAX_STRATEGIES) return reader.problem('PlacementStrategy', `has ${list.length} entries; a task takes at most ${MAX_STRATEGIES}`);
  const strategies = list.map((entry, index) => {
    const itemReader = reader.nested(`${reader.path}PlacementStrategy[${index}].`);
    const item = itemReader.object('', entry);
    if (!item) return undefined;
    itemReader.rejectUnknown(item, KEYS);
    const type = itemReader.oneOf('Type', item.Type, TYPES, { required: true });
    if (type === undefined) return undefined;
    if (type === 'random') {
      return item.Field === undefined || item.Field === '' ? { type } : itemReader.problem('Field', 'applies to spread and binpack only; random takes none');
    }
    if (type === 'spread' && (item.Field === undefined || item.Field === '')) {
      return itemReader.problem('Field', 'is required for spread: instanceId, host or an attribute such as attribute:ecs.availability-zone');
    }
    const field =
      type === 'binpack'
        ? itemReader.oneOf('Field', item.Field, BINPACK_FIELDS, { required: true })
        : itemReader.string('Field', item.Field, {
            pattern: SPREAD_FIELD,
            patternHint: 'is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
          });
    return field === undefined ? undefined : { type, field };
  });
  return strategies.every((strategy) => strategy !== undefined) ? strategies : undefined;
}
