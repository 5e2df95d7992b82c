import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ScalarTag, type CollectionTag, type YAMLMap, type YAMLSeq } from 'yaml';

/** Where the sample templates live. */
export const INFRA_DIR = path.resolve(__dirname, '../../infra');

export type Template = {
  Parameters?: Record<string, Record<string, unknown>>;
  Rules?: Record<string, { RuleCondition?: unknown; Assertions?: { Assert: unknown; AssertDescription?: string }[] }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, Record<string, unknown>>;
};

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  Metadata?: Record<string, unknown>;
  CreationPolicy?: Record<string, unknown>;
  UpdatePolicy?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** The short-form intrinsic functions, each the same as its long form `{ "Fn::X": value }`. */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
] as const;

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  // `!GetAtt Resource.Attribute` is `Fn::GetAtt: [Resource, Attribute]`; the attribute may contain dots itself.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** A tag for every short form in each shape it can take: `!Sub 'text'`, `!Sub [text, {vars}]`, `!Base64 {...}`. */
const CFN_TAGS: (ScalarTag | CollectionTag)[] = [...FUNCTIONS, 'Ref', 'Condition'].flatMap((name) => {
  const tag = `!${name}`;
  const scalar: ScalarTag = { tag, resolve: (value: string) => longForm(name, value) };
  const seq: CollectionTag = {
    tag,
    collection: 'seq',
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => longForm(name, value.toJSON()),
  };
  const map: CollectionTag = {
    tag,
    collection: 'map',
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => longForm(name, value.toJSON()),
  };
  return [scalar, seq, map];
});

/**
 * Parses CloudFormation YAML, short-form tags included, into the JSON shape CloudFormation itself sees. Refuses
 * aliases (`*anchor`), which CloudFormation does not support either.
 */
export function parseCfnYaml(text: string): unknown {
  return parse(text, { customTags: CFN_TAGS, maxAliasCount: 0, prettyErrors: true, strict: true, uniqueKeys: true });
}

/** Loads `infra/<name>`. Throws when it is not a template with resources. */
export function loadTemplate(name: string): Template {
  const parsed = parseCfnYaml(readFileSync(path.join(INFRA_DIR, name), 'utf8'));
  if (!isRecord(parsed) || !isRecord(parsed.Resources))
    throw new Error(`infra/${name} is not a CloudFormation template with Resources`);
  return parsed as Template;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The resource with this logical ID, of this type. */
export function resource(template: Template, logicalId: string, type: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  if (found.Type !== type) throw new Error(`${logicalId} is a ${found.Type}, not a ${type}`);
  return found;
}

/** The logical IDs and resources of one type. */
export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, candidate]) => candidate.Type === type);
}

export function properties(template: Template, logicalId: string, type: string): Record<string, unknown> {
  return resource(template, logicalId, type).Properties ?? {};
}

export function dependsOn(found: Resource): string[] {
  const value = found.DependsOn;
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

export const ref = (name: string) => ({ Ref: name });
export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** What `evaluate` knows: values for Ref and Fn::GetAtt (`Logical.Attribute`), and whether each condition holds. */
export interface EvaluationContext {
  values: Record<string, unknown>;
  conditions?: Record<string, boolean>;
}

const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Evaluates the intrinsic functions a template uses (Ref, Fn::GetAtt, Fn::If, Fn::Join, Fn::Split, Fn::Select,
 * Fn::Sub) as CloudFormation would, dropping what `!Ref AWS::NoValue` removes. A Ref or GetAtt with no value in
 * the context, or an unknown condition, throws: a test must say what it assumes.
 */
export function evaluate(value: unknown, context: EvaluationContext): unknown {
  const result = evaluateOrNoValue(value, context);
  return result === NO_VALUE ? undefined : result;
}

function lookUp(name: string, context: EvaluationContext): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (!(name in context.values)) throw new Error(`no value for ${name}`);
  return context.values[name];
}

function evaluateOrNoValue(value: unknown, context: EvaluationContext): unknown {
  const inner = (item: unknown): unknown => evaluateOrNoValue(item, context);
  if (Array.isArray(value)) return value.map(inner).filter((item) => item !== NO_VALUE);
  if (!isRecord(value)) return value;
  const [key, argument] = Object.entries(value)[0] ?? [];
  if (Object.keys(value).length === 1 && key !== undefined) {
    if (key === 'Ref') return lookUp(String(argument), context);
    if (key === 'Fn::GetAtt') return lookUp((argument as string[]).join('.'), context);
    if (key === 'Fn::If') {
      const [condition, whenTrue, whenFalse] = argument as [string, unknown, unknown];
      const holds = context.conditions?.[condition];
      if (holds === undefined) throw new Error(`no value for condition ${condition}`);
      return inner(holds ? whenTrue : whenFalse);
    }
    if (key === 'Fn::Join') {
      const [delimiter, items] = argument as [string, unknown];
      return (inner(items) as unknown[]).join(delimiter);
    }
    if (key === 'Fn::Split') {
      const [delimiter, text] = argument as [string, unknown];
      return String(inner(text)).split(delimiter);
    }
    if (key === 'Fn::Select') {
      const [index, items] = argument as [number | string, unknown];
      return (inner(items) as unknown[])[Number(index)];
    }
    if (key === 'Fn::Sub') {
      const [text, variables] =
        typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      const resolved = Object.fromEntries(Object.entries(variables).map(([name, item]) => [name, inner(item)]));
      return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
        const found = name in resolved ? resolved[name] : lookUp(name, context);
        if (typeof found !== 'string' && typeof found !== 'number') throw new Error(`\${${name}} is not a string`);
        return String(found);
      });
    }
  }
  const entries = Object.entries(value)
    .map(([name, item]) => [name, inner(item)] as const)
    .filter(([, item]) => item !== NO_VALUE);
  return Object.fromEntries(entries);
}
