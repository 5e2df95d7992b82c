import type { Tag } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

const TAG_KEYS = ['Key', 'Value'] as const;
/** ECS API reference, Tag: at most 50 tags per resource, keys ≤ 128 and values ≤ 256 characters, no `aws:` prefix. */
const MAX_TAGS = 50;

/**
 * `[{ Key, Value }]` at `name` under the reader's path (the task's `Tags`, or an EBS volume's). `reservedKeys` are
 * refused too (ECS keeps `AmazonECSCreated` and `AmazonECSManaged` for the volumes it creates).
 */
export function readTags(reader: PropertyReader, name: string, value: unknown, reservedKeys: readonly string[] = []): Tag[] | undefined {
  return reader.objectList(name, value, (tagReader, tag) => readTag(tagReader, tag, reservedKeys), {
    max: MAX_TAGS,
    tooMany: (count) => `has ${count} tags; at most ${MAX_TAGS} are allowed`,
  });
}

function readTag(reader: PropertyReader, tag: Record<string, unknown>, reservedKeys: readonly string[]): Tag | undefined {
  reader.rejectUnknown(tag, TAG_KEYS);
  const key = reader.string('Key', tag.Key, { required: true, maxLength: 128 });
  if (key?.toLowerCase().startsWith('aws:')) return reader.problem('Key', `${JSON.stringify(key)} uses the reserved prefix aws:`);
  if (key !== undefined && reservedKeys.includes(key)) return reader.problem('Key', `${JSON.stringify(key)} is reserved for ECS`);
  const tagValue = tag.Value === '' ? '' : reader.string('Value', tag.Value, { maxLength: 256 });
  return key === undefined ? undefined : { key, value: tagValue ?? '' };
}
