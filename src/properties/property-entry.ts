import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import type { PropertyReader } from './property-reader';

/** What a property's reader reads from: the reader that collects problems, and `ResourceProperties` as sent. */
export interface ReadInput {
  reader: PropertyReader;
  raw: Record<string, unknown>;
}

/** What RunTask takes besides the properties, decided for each start rather than read from the template. */
export interface RunTaskLaunch {
  /** The task definition's ARN with its revision, as the pre-flight check resolved it. */
  taskDefinitionArn: string;
  /** Tasks to start: `Count`, or on a start retry as many as failed to start. */
  count: number;
  /** Same token for a duplicate delivery of the same request (and attempt): ECS then starts nothing new. */
  clientToken: string;
  /** `StartedBy`, or the default the request gives it. */
  startedBy: string;
  /** The request the tasks belong to, tagged on each (REQUEST_TAG_KEY). */
  requestTag: string;
  /** The resource the tasks belong to, tagged on each (RESOURCE_TAG_KEY). */
  resourceTag: string;
  /** The run's deadline (epoch milliseconds), tagged on each (DEADLINE_TAG_KEY) for the scheduled sweep. */
  deadline: number;
  /** The StackId of the resource, tagged on each (STACK_TAG_KEY): what the sweep names when it stops a task. */
  stackId: string;
}

/** Where a property goes in RunTask's input: its parameters, from the property's value (absent when not given). */
export type RunTaskPart<T> = (value: T | undefined, launch: RunTaskLaunch) => Partial<RunTaskCommandInput>;

/** Read but never sent to RunTask: it steers the runner (how it watches, when it runs, what it answers). */
export const NOT_SENT = 'not sent to RunTask';
export type RunTaskPlace<T> = RunTaskPart<T> | typeof NOT_SENT;

/** Required (the parse fails without it), with a default, or optional (absent from the properties when not given). */
export type Presence = 'required' | 'default' | 'optional';

/**
 * Whether a change of the property on an Update changes what runs (`RerunOn: TaskChange` reruns only then). Every
 * entry says it: a new property cannot be left unclassified.
 */
interface Classified {
  changesWhatRuns: boolean;
}

/** A name accepted in the template that gives no value of its own: read with another (`Subnets`) or not at all. */
export interface AcceptedName extends Classified {
  kind: 'accepted';
}

/**
 * Reads the property: `read` in the table's order, `readWhereTasksRun` after `LaunchType` and the capacity providers
 * are checked, with whether the tasks run on Fargate (undefined: the cluster's default decides).
 */
type Reads<T> =
  | { read: (input: ReadInput) => T | undefined; readWhereTasksRun?: never }
  | { readWhereTasksRun: (input: ReadInput, fargate: boolean | undefined) => T | undefined; read?: never };

/** A property the runner reads into `RunnerProperties[field]`. */
export type ValueProperty<F extends string, T, P extends Presence> = Classified &
  Reads<T> & {
    kind: 'value';
    field: F;
    presence: P;
    default?: T;
    runTask: RunTaskPlace<T>;
    /** Read right after this property rather than in the table's order (its problems reported after that one's). */
    readAfter?: string;
  };

interface Spec<F extends string, T> extends Classified {
  field: F;
  runTask: RunTaskPlace<NoInfer<T>>;
  readAfter?: string;
}

/** A property the parse fails without. */
export function requiredProperty<const F extends string, T>(
  spec: Spec<F, T> & Reads<T>,
): ValueProperty<F, T, 'required'> {
  return { ...spec, kind: 'value', presence: 'required' };
}

/** A property that takes `default` when not given. */
export function propertyWithDefault<const F extends string, T>(
  spec: Spec<F, T> & Reads<T> & { default: NoInfer<T> },
): ValueProperty<F, T, 'default'> {
  return { ...spec, kind: 'value', presence: 'default' };
}

/** A property absent from the properties when not given. */
export function optionalProperty<const F extends string, T>(
  spec: Spec<F, T> & Reads<T>,
): ValueProperty<F, T, 'optional'> {
  return { ...spec, kind: 'value', presence: 'optional' };
}

/** A name accepted with no value of its own. */
export function acceptedName(spec: Classified): AcceptedName {
  return { ...spec, kind: 'accepted' };
}
