import { isRecord } from '../shared/records';
import { closestNames, unknownNameProblem } from './did-you-mean';

/**
 * Reads values out of a CloudFormation properties object, coercing the strings CloudFormation sends ("1", "true")
 * into typed values and collecting every problem instead of stopping at the first, so that one failed stack
 * operation tells the user everything that is wrong.
 *
 * Each problem names the property by its path (e.g. `Overrides.ContainerOverrides[0].Memory`).
 */
export class PropertyReader {
  /** Known names a misspelt key was taken for: their absence is that misspelling, already reported. */
  private readonly misspelt = new Set<string>();

  constructor(
    private readonly problems: string[],
    readonly path = '',
  ) {}

  /** A reader for a nested object, reporting problems under `path`. */
  nested(path: string): PropertyReader {
    return new PropertyReader(this.problems, path);
  }

  problem(name: string, message: string): undefined {
    const where = name ? `${this.path}${name}` : this.path.replace(/\.$/, '');
    this.problems.push(`${where}: ${message}`);
    return undefined;
  }

  /** Reports every key of `value` that is not in `known`, with a did-you-mean hint. */
  rejectUnknown(value: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      this.problems.push(unknownNameProblem(this.path, key, known));
      const { names, likelyTypo } = closestNames(key, known);
      if (likelyTypo) names.forEach((name) => this.misspelt.add(name));
    }
  }

  /** Reports a required property that is absent, unless a misspelt key was already reported as meaning it. */
  missing(name: string, message = 'is required'): undefined {
    return this.misspelt.has(name) ? undefined : this.problem(name, message);
  }

  object(name: string, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (!isRecord(value)) return this.problem(name, `must be an object (a map of properties), got ${describe(value)}`);
    return value;
  }

  list(name: string, value: unknown): unknown[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return this.problem(name, `must be a list, got ${describe(value)}`);
    // Array.isArray narrows to any[]; the items are unread input.
    return value as unknown[];
  }

  string(
    name: string,
    value: unknown,
    rules: { required?: boolean; maxLength?: number } & OptionalPattern = {},
  ): string | undefined {
    if (value === undefined || value === '') {
      return rules.required ? this.missing(name) : undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return this.problem(name, `must be a string, got ${describe(value)}`);
    }
    const text = String(value);
    if (rules.maxLength !== undefined && text.length > rules.maxLength) {
      return this.problem(name, `is ${text.length} characters long; at most ${rules.maxLength} are allowed`);
    }
    if (rules.pattern && !rules.pattern.test(text)) {
      return this.problem(name, `${JSON.stringify(text)} ${rules.patternHint}`);
    }
    return text;
  }

  oneOf<T extends string>(
    name: string,
    value: unknown,
    allowed: readonly T[],
    rules: { required?: boolean } = {},
  ): T | undefined {
    if (rules.required && (value === undefined || value === ''))
      return this.problem(name, `is required: one of ${allowed.join(', ')}`);
    const text = this.string(name, value);
    if (text === undefined) return undefined;
    const match = allowed.find((option) => option.toLowerCase() === text.toLowerCase());
    if (match === undefined) return this.problem(name, `${JSON.stringify(text)} is not one of ${allowed.join(', ')}`);
    return match;
  }

  number(
    name: string,
    value: unknown,
    range: { min: number; max: number; integer?: boolean; unit?: string },
  ): number | undefined {
    if (value === undefined || value === '') return undefined;
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
    const parsed = text !== undefined && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    const kind = range.integer ? 'a whole number' : 'a number';
    const unit = range.unit ? ` ${range.unit}` : '';
    if (
      Number.isNaN(parsed) ||
      (range.integer && !Number.isInteger(parsed)) ||
      parsed < range.min ||
      parsed > range.max
    ) {
      return this.problem(name, `${JSON.stringify(value)} is not ${kind} from ${range.min} to ${range.max}${unit}`);
    }
    return parsed;
  }

  integer(name: string, value: unknown, range: { min: number; max: number; unit?: string }): number | undefined {
    return this.number(name, value, { ...range, integer: true });
  }

  boolean(name: string, value: unknown): boolean | undefined {
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
    return this.problem(name, `${JSON.stringify(value)} is not true or false`);
  }

  /**
   * A list of objects at `name`, each read by `readItem` with a reader for `name[i].`; undefined when any item could
   * not be read. More than `max` items is one problem, worded by `tooMany`.
   */
  objectList<T>(
    name: string,
    value: unknown,
    readItem: (reader: PropertyReader, item: Record<string, unknown>) => T | undefined,
    limit?: { max: number; tooMany: (count: number) => string },
  ): T[] | undefined {
    const list = this.list(name, value);
    if (!list) return undefined;
    if (limit && list.length > limit.max) return this.problem(name, limit.tooMany(list.length));
    const items = list.map((entry, index) => {
      const itemReader = this.nested(`${this.path}${name}[${index}].`);
      const item = itemReader.object('', entry);
      return item ? readItem(itemReader, item) : undefined;
    });
    return items.every((item): item is T => item !== undefined) ? items : undefined;
  }

  /** A list of strings; `unique` (the default) refuses an entry given twice, as ID lists must not have. */
  stringList(
    name: string,
    value: unknown,
    rules: { min?: number; max: number; unique?: boolean } & OptionalPattern,
  ): string[] | undefined {
    const { min = 0, max, unique = true, ...pattern } = rules;
    const list = this.list(name, value);
    if (list === undefined) return undefined;
    const strings = list.map((item, index) => this.string(`${name}[${index}]`, item, { required: true, ...pattern }));
    if (list.length < min || list.length > max) {
      return this.problem(name, `has ${list.length} entries; ${min} to ${max} are allowed`);
    }
    const duplicates = !unique
      ? []
      : strings.filter((item, index) => item !== undefined && strings.indexOf(item) !== index);
    if (duplicates.length > 0) return this.problem(name, `lists ${duplicates.join(', ')} more than once`);
    return strings.every((item): item is string => item !== undefined) ? strings : undefined;
  }
}

/** A pattern a string must match, and what the problem says of a value that does not (e.g. "is not a subnet ID"). */
interface TextPattern {
  pattern: RegExp;
  patternHint: string;
}

/** A pattern comes with its hint, or neither is given. */
type OptionalPattern = TextPattern | { pattern?: undefined; patternHint?: undefined };

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : JSON.stringify(value);
}
