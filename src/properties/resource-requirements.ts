import type { ResourceRequirement } from '@aws-sdk/client-ecs';
import { pascalCased } from './pascal-cased';
import type { PropertyReader } from './property-reader';

const KEYS = ['Type', 'Value'] as const;
/** ECS API reference, ResourceRequirement: `type` GPU | InferenceAccelerator, `value` a string. */
const TYPES = ['GPU', 'InferenceAccelerator'] as const;
/**
 * ECS Developer Guide, "Specifying GPUs in an Amazon ECS task definition": a whole number of GPUs, a decimal for a
 * fractional GPU (e.g. 0.25), or ALL.
 */
const GPU_VALUE = /^(ALL|\d+(\.\d+)?)$/;

/** `ContainerOverrides[].ResourceRequirements: [{ Type, Value }]`, sent as the API's strings. */
export function readResourceRequirements(reader: PropertyReader, value: unknown): ResourceRequirement[] | undefined {
  const list = reader.list('ResourceRequirements', value);
  if (!list) return undefined;
  const requirements = list.map((entry, index) => {
    const itemReader = reader.nested(`${reader.path}ResourceRequirements[${index}].`);
    const source = itemReader.object('', entry);
    if (!source) return undefined;
    const item = pascalCased(itemReader, source, KEYS);
    const type = itemReader.oneOf('Type', item.Type, TYPES, { required: true });
    const text =
      type === 'GPU'
        ? itemReader.string('Value', item.Value, { required: true, pattern: GPU_VALUE, patternHint: 'is not a number of GPUs (e.g. 1, 0.25 or ALL)' })
        : itemReader.string('Value', item.Value, { required: true });
    if (type === 'GPU' && text !== undefined && text !== 'ALL' && Number(text) <= 0) return itemReader.problem('Value', `${JSON.stringify(text)} GPUs: give more than 0`);
    return type === undefined || text === undefined ? undefined : { type, value: text };
  });
  const types = requirements.flatMap((requirement) => (requirement ? [requirement.type] : []));
  const repeated = types.filter((type, index) => types.indexOf(type) !== index);
  if (repeated.length > 0) reader.problem('ResourceRequirements', `lists ${repeated.join(', ')} more than once`);
  return requirements.every((requirement) => requirement !== undefined) ? requirements : undefined;
}
