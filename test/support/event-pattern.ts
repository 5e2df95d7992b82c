import { isRecord } from '../infra/cfn-yaml';

/**
 * Whether an event matches an EventBridge event pattern, for the operators the runner's rules use: a list of exact
 * values, and `{ "anything-but": { "prefix": … } }`. A field the pattern names must be in the event (EventBridge
 * User Guide, "Creating event patterns"). Any other operator throws, so a test never passes on one it cannot read.
 */
export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, wanted]) => {
    const value = event[field];
    if (isRecord(wanted)) return isRecord(value) && matchesPattern(wanted, value);
    if (!Array.isArray(wanted)) throw new Error(`pattern field ${field} is neither a list nor an object`);
    if (value === undefined) return false;
    return wanted.some((option: unknown) => matchesOption(option, value));
  });
}

function matchesOption(option: unknown, value: unknown): boolean {
  if (!isRecord(option)) return option === value;
  const anythingBut = option['anything-but'];
  if (isRecord(anythingBut) && typeof anythingBut.prefix === 'string')
    return typeof value === 'string' && !value.startsWith(anythingBut.prefix);
  throw new Error(`operator not read here: ${JSON.stringify(option)}`);
}
