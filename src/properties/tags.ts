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
  const list = reader.list(name, value);
  if (!list) return undefined;
  if (list.length > MAX_TAGS) return reader.problem(name, `has ${list.length} tags; at most ${MAX_TAGS} are allowed`);
  const tags = list.map((entry, index) => {
    const tagReader = reader.nested(`${reader.path}${name}[${index}].`);
    const tag = tagReader.object('', entry);
    if (!tag) return undefined;
    tagReader.rejectUnknown(tag, TAG_KEYS);
    const key = tagReader.string('Key', tag.Key, { required: true, maxLength: 128 });
    if (key?.toLowerCase().startsWith('aws:')) return tagReader.problem('Key', `${JSON.stringify(key)} uses the reserved prefix aws:`);
    if (key !== undefined && reservedKeys.includes(key)) return tagReader.problem('Key', `${JSON.stringify(key)} is reserved for ECS`);
    const tagValue = tag.Value === '' ? '' : tagReader.string('Value', tag.Value, { maxLength: 256 });
    return key === undefined ? undefined : { key, value: tagValue ?? '' };
  });
  return tags.every((tag) => tag !== undefined) ? tags : undefined;
}
