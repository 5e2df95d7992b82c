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
const GPU_VALUE = { pattern: /^(ALL|\d+(\.\d+)?)$/, patternHint: 'is not a number of GPUs (e.g. 1, 0.25 or ALL)' };

/** `ContainerOverrides[].ResourceRequirements: [{ Type, Value }]`, sent as the API's strings. */
export function readResourceRequirements(reader: PropertyReader, value: unknown): ResourceRequirement[] | undefined {
  const requirements = reader.objectList('ResourceRequirements', value, readRequirement);
  const types = requirements?.map((requirement) => requirement.type) ?? [];
  const repeated = types.filter((type, index) => types.indexOf(type) !== index);
  if (repeated.length > 0) return reader.problem('ResourceRequirements', `lists ${repeated.join(', ')} more than once`);
  return requirements;
}

function readRequirement(reader: PropertyReader, source: Record<string, unknown>): ResourceRequirement | undefined {
  const item = pascalCased(reader, source, KEYS);
  const type = reader.oneOf('Type', item.Type, TYPES, { required: true });
  const text = reader.string(
    'Value',
    item.Value,
    type === 'GPU' ? { required: true, ...GPU_VALUE } : { required: true },
  );
  if (type === 'GPU' && text !== undefined && text !== 'ALL' && Number(text) <= 0)
    return reader.problem('Value', `${JSON.stringify(text)} GPUs: give more than 0`);
  return type === undefined || text === undefined ? undefined : { type, value: text };
}
