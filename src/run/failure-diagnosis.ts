import type { Failure } from '@aws-sdk/client-ecs';
import type * as Diagnostics from '../diagnostics/explain-failure';
import type { DecidedTask, PendingTask } from '../tasks/task-outcome';

type DiagnosisInputs = Parameters<typeof Diagnostics.diagnosisContext>;

/**
 * The failure diagnostics of a run, loaded when a failure needs explaining. `explain-failure.ts` and what only it
 * uses (the log tail, the network checks, the ENI capacity) are imported with `import()`, so the bundle holds them
 * in a lazy chunk of their own and a run that succeeds never loads them (docs/performance.md). Each method loads
 * them (once per process: Node keeps the module) and explains with the context built from the step's ports,
 * properties and plan.
 */
export interface FailureDiagnosis {
  failedTasks(tasks: readonly DecidedTask[]): Promise<string>;
  slowStart(): Promise<string>;
  timeout(
    pending: readonly PendingTask[],
    timeoutSeconds: number,
    late?: { lateSeconds: number; waitSeconds: number },
  ): Promise<string>;
  runTaskFailures(failures: readonly Failure[], started: number, wanted: number): Promise<string>;
  runTaskRefusal(error: unknown): Promise<string>;
}

export function failureDiagnosis(...inputs: DiagnosisInputs): FailureDiagnosis {
  const load = async () => {
    const diagnostics = await import('../diagnostics/explain-failure');
    return { diagnostics, context: diagnostics.diagnosisContext(...inputs) };
  };
  return {
    failedTasks: async (tasks) => {
      const { diagnostics, context } = await load();
      return diagnostics.explainFailedTasks(tasks, context);
    },
    slowStart: async () => {
      const { diagnostics, context } = await load();
      return diagnostics.explainSlowStart(context);
    },
    timeout: async (pending, timeoutSeconds, late) => {
      const { diagnostics, context } = await load();
      return diagnostics.explainTimeout(pending, timeoutSeconds, context, late);
    },
    runTaskFailures: async (failures, started, wanted) => {
      const { diagnostics, context } = await load();
      return diagnostics.explainRunTaskFailures(failures, started, { ...context, wanted });
    },
    runTaskRefusal: async (error) => {
      const { diagnostics, context } = await load();
      return diagnostics.explainRunTaskRefusal(error, context);
    },
  };
}
