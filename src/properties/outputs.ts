import { BUILT_IN_ATTRIBUTES } from '../shared/attribute-names';
import type { PropertyReader } from './property-reader';

/** At most this many declared outputs: each is an attribute in CloudFormation's 4096-byte response. */
export const MAX_OUTPUTS = 20;

/** Output names: letters and digits, like the attribute names `Fn::GetAtt` reads. */
const OUTPUT_NAME = /^[A-Za-z0-9]{1,64}$/;

/**
 * `Outputs`: the names the essential containers may print as `ECS_TASK_RUNNER_OUTPUT Name=Value`, each returned as
 * an attribute. A built-in attribute's name is refused (in any case), so a `!GetAtt` always means one thing.
 */
export function readOutputs(reader: PropertyReader, value: unknown): string[] | undefined {
  const names = reader.stringList('Outputs', value, {
    min: 1,
    max: MAX_OUTPUTS,
    pattern: OUTPUT_NAME,
    patternHint: 'is not an output name: use 1 to 64 letters and digits',
  });
  if (!names) return undefined;
  const builtIn = names.filter((name) =>
    BUILT_IN_ATTRIBUTES.some((attribute) => attribute.toLowerCase() === name.toLowerCase()),
  );
  if (builtIn.length > 0) {
    return reader.problem(
      'Outputs',
      `${builtIn.join(', ')} ${builtIn.length === 1 ? 'is the name of a built-in attribute' : 'are names of built-in attributes'}` +
        ` (${BUILT_IN_ATTRIBUTES.join(', ')}); choose another name`,
    );
  }
  return names;
}
