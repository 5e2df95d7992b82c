import type { RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { NOT_SENT, type RunTaskLaunch } from './property-entry';
import { type RunnerProperties, VALUE_ENTRIES } from './property-table';

export type { RunTaskLaunch } from './property-entry';

/**
 * RunTask's input: each property where PROPERTY_TABLE's `runTask` puts it (absent ones left out), with the launch's
 * own `clientToken`.
 */
export function runTaskInput(properties: RunnerProperties, launch: RunTaskLaunch): RunTaskCommandInput {
  // RunTask requires taskDefinition: TaskDefinition's entry puts the resolved ARN there; the loop's type cannot show it.
  const input: RunTaskCommandInput = { taskDefinition: launch.taskDefinitionArn };
  for (const entry of VALUE_ENTRIES) {
    if (entry.runTask === NOT_SENT) continue;
    // The table types each entry's runTask for its own field's value; the loop sees their union.
    const place = entry.runTask as (value: unknown, launch: RunTaskLaunch) => Partial<RunTaskCommandInput>;
    Object.assign(input, place(properties[entry.field], launch));
  }
  return { ...input, clientToken: launch.clientToken };
}
