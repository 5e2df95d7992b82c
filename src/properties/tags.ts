import type { Tag } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

const TAG_KEYS = ['Key', 'Value'] as const;
/** ECS API reference, Tag: at most 50 tags per resource, keys ≤ 128 and values ≤ 256 characters, no `aws:` prefix. */
const MAX_TAGS = 50;

/** Who keeps a reserved tag key to itself, by key: the key is refused in a template's tags. */
export type ReservedTagKeys = Readonly<Record<string, string>>;

/**
 * `[{ Key, Value }]` at `name` under the reader's path (the task's `Tags`, or an EBS volume's). `reserved` keys are
 * refused too (ECS keeps `AmazonECSCreated` and `AmazonECSManaged` for the volumes it creates; the runner tags each
 * task with its own keys), and room is left for the `added` keys put beside the template's: "Maximum number of 50
 * tags" (ECS API reference, RunTask, `tags`) counts the runner's own.
 */
export function readTags(
  reader: PropertyReader,
  name: string,
  value: unknown,
  reserved: ReservedTagKeys = {},
  added: readonly string[] = [],
): Tag[] | undefined {
  const max = MAX_TAGS - added.length;
  return reader.objectList(name, value, (tagReader, tag) => readTag(tagReader, tag, reserved), {
    max,
    tooMany: (count) =>
      `has ${count} tags; at most ${max} are allowed${added.length > 0 ? ` (a task takes ${MAX_TAGS}, and the runner adds ${added.length} of its own: ${added.join(', ')})` : ''}`,
  });
}

function readTag(reader: PropertyReader, tag: Record<string, unknown>, reserved: ReservedTagKeys): Tag | undefined {
  reader.rejectUnknown(tag, TAG_KEYS);
  const key = reader.string('Key', tag.Key, { required: true, maxLength: 128 });
  if (key?.toLowerCase().startsWith('aws:'))
    return reader.problem('Key', `${JSON.stringify(key)} uses the reserved prefix aws:`);
  const owner = key === undefined ? undefined : reserved[key];
  if (owner !== undefined) return reader.problem('Key', `${JSON.stringify(key)} is reserved for ${owner}`);
  // An empty or absent Value is read as absent, and sent as an empty value.
  const tagValue = reader.string('Value', tag.Value, { maxLength: 256 });
  return key === undefined ? undefined : { key, value: tagValue ?? '' };
}
