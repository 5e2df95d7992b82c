import type { EnvironmentFile } from '@aws-sdk/client-ecs';
import { S3_OBJECT_ARN } from './arn-patterns';
import { pascalCased } from './pascal-cased';
import type { PropertyReader } from './property-reader';

const KEYS = ['Type', 'Value'] as const;
/**
 * ECS API reference, EnvironmentFile: `type` s3 (the only one), `value` the ARN of the S3 object; "You can specify up
 * to ten environment files. The file must have a .env file extension."
 */
const TYPES = ['s3'] as const;
const MAX_FILES = 10;

/**
 * `ContainerOverrides[].EnvironmentFiles: [{ Type: s3, Value: <S3 object ARN> }]`. The runner passes the ARNs on and
 * never reads the files: the container's agent fetches them, so what they contain never reaches the runner's logs.
 */
export function readEnvironmentFiles(reader: PropertyReader, value: unknown): EnvironmentFile[] | undefined {
  return reader.objectList('EnvironmentFiles', value, readFile, {
    max: MAX_FILES,
    tooMany: (count) => `has ${count} files; a container takes at most ${MAX_FILES}`,
  });
}

function readFile(reader: PropertyReader, source: Record<string, unknown>): EnvironmentFile | undefined {
  const file = pascalCased(reader, source, KEYS);
  const type = reader.oneOf('Type', file.Type, TYPES, { required: true });
  const arn = reader.string('Value', file.Value, { required: true, ...S3_OBJECT_ARN });
  if (arn !== undefined && !arn.endsWith('.env'))
    return reader.problem(
      'Value',
      `${JSON.stringify(arn)} does not end in .env, which ECS requires of an environment file`,
    );
  return type === undefined || arn === undefined ? undefined : { type, value: arn };
}
