import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';
import { optional } from '../shared/records';
import type { PropertyReader } from './property-reader';

const CAPACITY_PROVIDER_KEYS = ['CapacityProvider', 'Weight', 'Base'] as const;

/** `CapacityProviderStrategy`: 1 to 20 of `{ CapacityProvider, Weight, Base }`. */
export function readCapacityProviderStrategy(
  reader: PropertyReader,
  value: unknown,
): CapacityProviderStrategyItem[] | undefined {
  const list = reader.list('CapacityProviderStrategy', value);
  if (!list) return undefined;
  if (list.length === 0 || list.length > 20) {
    return reader.problem(
      'CapacityProviderStrategy',
      `has ${list.length} entries; give 1 to 20, or leave it out to use the cluster's default`,
    );
  }
  const items = list.map((entry, index) => {
    const itemReader = reader.nested(`CapacityProviderStrategy[${index}].`);
    const item = itemReader.object('', entry);
    if (!item) return undefined;
    itemReader.rejectUnknown(item, CAPACITY_PROVIDER_KEYS);
    const capacityProvider = itemReader.string('CapacityProvider', item.CapacityProvider, { required: true });
    if (capacityProvider === undefined) return undefined;
    return {
      capacityProvider,
      ...optional('weight', itemReader.integer('Weight', item.Weight, { min: 0, max: 1000 })),
      ...optional('base', itemReader.integer('Base', item.Base, { min: 0, max: 100000 })),
    };
  });
  return items.every((item) => item !== undefined) ? items : undefined;
}
