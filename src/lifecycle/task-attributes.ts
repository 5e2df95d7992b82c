import { taskId } from '../shared/arns';
import type { DecidedTask } from '../tasks/task-outcome';

/** The attributes `Fn::GetAtt` reads; always all of them, so a template's GetAtt never breaks. */
export const DATA_KEYS = ['TaskArn', 'TaskArns', 'TaskId', 'ExitCode', 'StopCode', 'StoppedReason'] as const;

export function taskData(tasks: readonly DecidedTask[]): Record<string, string> {
  const first = tasks[0];
  return {
    TaskArn: first?.taskArn ?? '',
    TaskArns: tasks.map((task) => task.taskArn).join(','),
    TaskId: first ? taskId(first.taskArn) : '',
    ExitCode: first?.exitCode === undefined ? '' : String(first.exitCode),
    StopCode: first?.stopCode ?? '',
    StoppedReason: first?.stoppedReason ?? '',
  };
}

/** Data when no task ran (RunOnUpdate false, a rollback): every key present, every value empty. */
export function emptyData(): Record<string, string> {
  return Object.fromEntries(DATA_KEYS.map((key) => [key, '']));
}
