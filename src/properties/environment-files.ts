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
  const list = reader.list('EnvironmentFiles', value);
  if (!list) return undefined;
  if (list.length > MAX_FILES) return reader.problem('EnvironmentFiles', `has ${list.length} files; a container takes at most ${MAX_FILES}`);
  const files = list.map((entry, index) => {
    const fileReader = reader.nested(`${reader.path}EnvironmentFiles[${index}].`);
    const source = fileReader.object('', entry);
    if (!source) return undefined;
    const file = pascalCased(fileReader, source, KEYS);
    const type = fileReader.oneOf('Type', file.Type, TYPES, { required: true });
    const arn = fileReader.string('Value', file.Value, { required: true, ...S3_OBJECT_ARN });
    if (arn !== undefined && !arn.endsWith('.env')) return fileReader.problem('Value', `${JSON.stringify(arn)} does not end in .env, which ECS requires of an environment file`);
    return type === undefined || arn === undefined ? undefined : { type, value: arn };
  });
  return files.every((file) => file !== undefined) ? files : undefined;
}
