import { isRecord } from '../shared/records';

const MASK = '****';

/** Shorter values are not masked: they would mask ordinary words ("true", "1") and are no secrets anyway. */
export const MIN_MASKED_LENGTH = 4;

/**
 * `text` with every occurrence of the given values (override environment values) replaced by the mask: the
 * Reason of a stack event is readable by anyone who may describe the stack, and the runner's logs by anyone who
 * may read its log group.
 */
export function maskValues(text: string, values: readonly string[]): string {
  const masked = [...new Set(values.filter((value) => value.length >= MIN_MASKED_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  return masked.reduce((current, value) => current.split(value).join(MASK), text);
}

/**
 * ResourceProperties safe to log: override environment values may hold secrets, so every `Value` under an
 * `Environment` list inside `Overrides` and `OnDelete.Overrides` (PascalCase or camelCase) is masked.
 * `EnvironmentFiles` values stay readable: they are S3 object ARNs, not secrets, and the runner never reads the
 * files they name.
 */
export function redactProperties(properties: unknown): unknown {
  if (!isRecord(properties)) return properties;
  const onDelete = properties.OnDelete;
  return {
    ...properties,
    ...(isRecord(properties.Overrides) ? { Overrides: maskEnvironment(properties.Overrides) } : {}),
    // The teardown task's overrides hold environment values just the same.
    ...(isRecord(onDelete) && isRecord(onDelete.Overrides)
      ? { OnDelete: { ...onDelete, Overrides: maskEnvironment(onDelete.Overrides) } }
      : {}),
  };
}

function maskEnvironment(value: unknown, inEnvironment = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskEnvironment(item, inEnvironment));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (inEnvironment && /^value$/i.test(key)) return [key, MASK];
      return [key, maskEnvironment(item, inEnvironment || /^environment$/i.test(key))];
    }),
  );
}
