import { isRecord } from '../shared/records';

const MASK = '****';

/**
 * ResourceProperties safe to log: override environment values may hold secrets, so every `Value` under an
 * `Environment` list inside `Overrides` (PascalCase or camelCase) is masked. `EnvironmentFiles` values stay readable:
 * they are S3 object ARNs, not secrets, and the runner never reads the files they name.
 */
export function redactProperties(properties: unknown): unknown {
  if (!isRecord(properties)) return properties;
  const overrides = properties.Overrides;
  if (!isRecord(overrides)) return properties;
  return { ...properties, Overrides: maskEnvironment(overrides) };
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
