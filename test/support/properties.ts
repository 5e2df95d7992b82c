import {
  parseRunnerProperties,
  type PropertiesResult,
  type RunnerProperties,
} from '../../src/properties/runner-properties';

/** The problems a parse reported (none when it succeeded). */
export function problems(result: PropertiesResult): string[] {
  return result.kind === 'valid' ? [] : result.problems;
}

/** The properties of a parse that must succeed; a failure names its problems. */
export function parsed(properties: Record<string, unknown>): RunnerProperties {
  const result = parseRunnerProperties(properties);
  if (result.kind === 'invalid') throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  return result.properties;
}
