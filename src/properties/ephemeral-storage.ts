import type { EphemeralStorage } from '@aws-sdk/client-ecs';
import { pascalCased } from './pascal-cased';
import type { PropertyReader } from './property-reader';

const KEYS = ['SizeInGiB'] as const;
/** ECS API reference, EphemeralStorage: `sizeInGiB` from 21 to 200 GiB (Fargate only, platform 1.4.0 or later). */
const SIZE = { min: 21, max: 200, unit: 'GiB' };

/** `Overrides.EphemeralStorage: { SizeInGiB }`: more task storage on Fargate than the default 20 GiB. */
export function readEphemeralStorage(reader: PropertyReader, value: unknown): EphemeralStorage | undefined {
  const source = reader.object('EphemeralStorage', value);
  if (!source) return undefined;
  const storageReader = reader.nested(`${reader.path}EphemeralStorage.`);
  const storage = pascalCased(storageReader, source, KEYS);
  if (storage.SizeInGiB === undefined)
    return storageReader.problem('SizeInGiB', `is required: ${SIZE.min} to ${SIZE.max} GiB`);
  const sizeInGiB = storageReader.integer('SizeInGiB', storage.SizeInGiB, SIZE);
  return sizeInGiB === undefined ? undefined : { sizeInGiB };
}
