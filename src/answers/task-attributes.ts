import { BUILT_IN_ATTRIBUTES } from '../shared/attribute-names';
import { taskId } from '../shared/arns';
import type { DecidedTask } from '../tasks/task-outcome';

/** The attributes `Fn::GetAtt` reads besides the declared Outputs; always all of them, so a GetAtt never breaks. */
export { BUILT_IN_ATTRIBUTES as DATA_KEYS };

/** The tasks' attributes, the number of attempts, then each declared output (empty when nothing printed it). */
export function taskData(
  tasks: readonly DecidedTask[],
  run: { attempts: number; outputs?: Readonly<Record<string, string>> },
): Record<string, string> {
  const first = tasks[0];
  return {
    TaskArn: first?.taskArn ?? '',
    TaskArns: tasks.map((task) => task.taskArn).join(','),
    TaskId: first ? taskId(first.taskArn) : '',
    ExitCode: first?.exitCode === undefined ? '' : String(first.exitCode),
    StopCode: first?.stopCode ?? '',
    StoppedReason: first?.stoppedReason ?? '',
    Attempts: String(run.attempts),
    ...run.outputs,
  };
}

/** Data when no task ran (RunOnUpdate false, a rollback): every key present, every value empty. */
export function emptyData(outputNames: readonly string[] = []): Record<string, string> {
  return Object.fromEntries([...BUILT_IN_ATTRIBUTES, ...outputNames].map((key) => [key, '']));
}
