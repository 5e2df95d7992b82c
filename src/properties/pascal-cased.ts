import type { PropertyReader } from './property-reader';

/**
 * Maps an object's keys onto the PascalCase names in `known`, accepting camelCase spellings (`command` → `Command`);
 * unknown keys and a key given in both spellings are problems. Used inside `Overrides`, where older task-runner
 * templates used the ECS API's own camelCase keys.
 */
export function pascalCased<K extends string>(
  reader: PropertyReader,
  source: Record<string, unknown>,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  const result: Partial<Record<K, unknown>> = {};
  const unknown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    const name = known.find((candidate) => candidate === key || camel(candidate) === key);
    if (name === undefined) {
      unknown[key] = value;
      continue;
    }
    if (name in result) {
      reader.problem(name, `is given twice (as ${name} and ${camel(name)}); keep one`);
      continue;
    }
    result[name] = value;
  }
  reader.rejectUnknown(unknown, known);
  return result;
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
