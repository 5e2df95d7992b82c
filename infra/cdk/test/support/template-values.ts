import type { TemplateValue } from '../../../../scripts/local/cloudformation';

/** The parts of a synthesized template the tests read. */
export interface SynthesizedTemplate {
  Parameters?: Record<string, { Default?: unknown }>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>;
}

/** `Ref: X` (attribute undefined) or `Fn::GetAtt: [X, attribute]`; X may be a pseudo parameter (`AWS::Region`). */
export interface Reference {
  logicalId: string;
  attribute?: string;
}

/**
 * A property value with its references replaced as CloudFormation would replace them at deploy time: `Ref`,
 * `Fn::GetAtt` and `Fn::Join` of those. Any other intrinsic function is an error, so that nothing unresolved
 * reaches the runner unnoticed.
 */
export function resolveIntrinsics(value: unknown, resolve: (reference: Reference) => string): TemplateValue {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, resolve));
  if (typeof value !== 'object' || value === null)
    throw new Error(`Unexpected value in a template: ${JSON.stringify(value)}`);
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key === 'Ref' && typeof argument === 'string') return resolve({ logicalId: argument });
  if (entries.length === 1 && key === 'Fn::GetAtt' && Array.isArray(argument))
    return resolve({ logicalId: String(argument[0]), attribute: String(argument[1]) });
  if (entries.length === 1 && key === 'Fn::Join' && Array.isArray(argument)) {
    const [separator, parts] = argument as [string, unknown[]];
    return parts.map((part) => scalarText(resolveIntrinsics(part, resolve))).join(separator);
  }
  if (entries.length === 1 && key?.startsWith('Fn::'))
    throw new Error(`The tests do not resolve ${key}: ${JSON.stringify(value)}`);
  return Object.fromEntries(entries.map(([name, item]) => [name, resolveIntrinsics(item, resolve)]));
}

/** A resolved scalar as text; a list or map where a scalar belongs is a mistake in the template or the test. */
export function scalarText(value: TemplateValue | undefined): string {
  if (typeof value === 'object') throw new Error(`Expected a scalar, got ${JSON.stringify(value)}`);
  return String(value);
}

/** The one resource of `type` in the template, with its logical ID. */
export function onlyResource(
  template: SynthesizedTemplate,
  type: string,
): { logicalId: string; properties: Record<string, unknown>; dependsOn: string[] } {
  const found = Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, SynthesizedTemplate['Resources'][string]];
  return { logicalId, properties: resource.Properties ?? {}, dependsOn: resource.DependsOn ?? [] };
}

/** Every `Ref` and `Fn::GetAtt` in a value, in order. */
export function referencesIn(value: unknown): Reference[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return [{ logicalId: record.Ref }];
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return [{ logicalId: String(getAtt[0]), attribute: String(getAtt[1]) }];
  return Object.values(record).flatMap(referencesIn);
}
