import type { TaskOverride } from '@aws-sdk/client-ecs';
import { optional } from '../shared/records';
import type { PropertyReader } from './property-reader';
import { readTaskOverrides } from './task-overrides';

/** `OnDelete`: a teardown task run when the resource is deleted, with the resource's network and launch settings. */
export interface OnDelete {
  /** Family, family:revision or ARN; the resource's own TaskDefinition when absent. */
  taskDefinition?: string;
  overrides?: TaskOverride;
}

const ON_DELETE_KEYS = ['TaskDefinition', 'Overrides'] as const;

export function readOnDelete(reader: PropertyReader, value: unknown): OnDelete | undefined {
  const source = reader.object('OnDelete', value);
  if (!source) return undefined;
  const nested = reader.nested(`${reader.path}OnDelete.`);
  nested.rejectUnknown(source, ON_DELETE_KEYS);
  return {
    ...optional('taskDefinition', nested.string('TaskDefinition', source.TaskDefinition)),
    ...optional('overrides', readTaskOverrides(nested, source.Overrides)),
  };
}
