/**
 * Event fixtures may hold placeholders — `${Name}` anywhere inside a string value, as in CloudFormation's Fn::Sub —
 * for what only exists when the fixture is run: a fresh RequestId, a local ResponseURL, the IDs of the resources
 * in moto. Substitution works on the parsed JSON, so values need no escaping.
 */
import { UsageError } from './cli';

const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

export function substitutePlaceholders(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(value)) return value.map((item) => substitutePlaceholders(item, values));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitutePlaceholders(item, values)]));
  }
  return value;
}

/** The names of the placeholders left in `value`, each once. */
export function placeholdersIn(value: unknown): string[] {
  const names = new Set<string>();
  const visit = (item: unknown): void => {
    if (typeof item === 'string') for (const match of item.matchAll(PLACEHOLDER)) names.add(match[1] ?? '');
    else if (Array.isArray(item)) item.forEach(visit);
    else if (typeof item === 'object' && item !== null) Object.values(item).forEach(visit);
  };
  visit(value);
  return [...names];
}

/** Placeholders the tool fills in itself, whatever the fixture. */
const TOOL_PLACEHOLDERS = ['RequestId', 'FunctionArn'];
/** What --local fills in from the sample stack in moto. */
const SAMPLE_STACK_PLACEHOLDERS = ['Cluster', 'TaskDefinition', 'SubnetId', 'SecurityGroupId', 'VpcId', 'StackId'];

/**
 * Refuses, as a usage error, placeholders in `value` that nothing fills in: neither the tool, nor --local (when
 * `local`), nor `filledIn` (--set names; ResponseURL when the tool serves it). Names them and says how to give
 * them a value.
 */
export function refuseUnfilledPlaceholders(
  value: unknown,
  options: { filledIn: readonly string[]; local: boolean },
): void {
  const filled = new Set([
    ...TOOL_PLACEHOLDERS,
    ...(options.local ? SAMPLE_STACK_PLACEHOLDERS : []),
    ...options.filledIn,
  ]);
  const names = placeholdersIn(value).filter((name) => !filled.has(name));
  if (names.length === 0) return;
  const fromStack = options.local ? [] : names.filter((name) => SAMPLE_STACK_PLACEHOLDERS.includes(name));
  const how = fromStack.length > 0 ? `run with --local (which fills in ${fromStack.join(', ')}), or ` : '';
  const listed = names.map((name) => `\${${name}}`).join(', ');
  throw new UsageError(
    `The fixture's placeholder${names.length === 1 ? '' : 's'} ${listed} ${names.length === 1 ? 'has' : 'have'} no value: ${how}give --set ${names[0]}=…`,
  );
}
