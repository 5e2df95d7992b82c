/**
 * Event fixtures may hold placeholders — `${Name}` anywhere inside a string value, as in CloudFormation's Fn::Sub —
 * for what only exists when the fixture is run: a fresh RequestId, a local ResponseURL, the IDs of the resources
 * in moto. Substitution works on the parsed JSON, so values need no escaping.
 */
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
