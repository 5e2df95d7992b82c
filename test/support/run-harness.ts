import type { RunnerDeps } from '../../src/run/contract';
import { phasePolicy, type PhasePolicy } from '../../src/run/phase-policy';
import type { Purpose, Run, RunState } from '../../src/run/run-state';
import type { StepContext } from '../../src/run/run-steps';
import { timeBudget } from '../../src/runtime/time-budget';
import { type MockedAws, TASK_DEFINITION_ARN } from './aws-mocks';
import { FakeClock, fakeInvocation, RecordingLog } from './fakes';
import { fixtures, withProperties } from './fixtures';
import { parsed } from './properties';

/** The cleanup summary of a Delete whose resource had no running task, as a teardown phase carries it. */
export const NOTHING_RUNNING = 'No task of this resource was running.';

/** The dependencies of one invocation with `budgetMs` of Lambda time, on a fake clock. */
export function runDeps(aws: MockedAws, budgetMs = 900_000) {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const deps: RunnerDeps = { aws: aws.ports, clock, invocation: fakeInvocation(clock, budgetMs), log };
  return { clock, log, deps };
}

/** The fixtures' Create (properties set over it as given), or their Delete with an OnDelete teardown. */
export function purposeOf(phase: 'run' | 'teardown', properties: Record<string, unknown> = {}): Purpose {
  switch (phase) {
    case 'run':
      return { request: withProperties(fixtures.create(), properties), phase: { kind: 'run' } };
    case 'teardown':
      return {
        request: withProperties(fixtures.delete(), {
          OnDelete: { TaskDefinition: 'todobackend-teardown' },
          ...properties,
        }),
        phase: { kind: 'teardown', cleanup: NOTHING_RUNNING },
      };
  }
}

/** The policy of `purpose`, from its request's properties. */
export function policyOf(purpose: Purpose): PhasePolicy {
  const policy = phasePolicy(purpose, parsed(purpose.request.ResourceProperties));
  if (policy.kind !== 'follows') throw new Error('the purpose has nothing to follow');
  return policy;
}

/** A run of `purpose` in `state`, planned at `now` with the fixtures' task definition and a 600 s deadline. */
export function runIn(state: RunState, now: number, purpose: Purpose = purposeOf('run')): Run {
  return {
    ...purpose,
    handOffs: 0,
    generation: 1,
    plan: {
      cluster: 'todobackend-cluster',
      taskDefinitionArn: TASK_DEFINITION_ARN,
      essentialContainers: ['migrate'],
      logs: {},
      usesSecrets: false,
      deadline: now + 600_000,
      timeoutSeconds: 600,
      pollIntervalSeconds: 2.75,
    },
    progress: { attempt: 1, startFailures: [], succeeded: [] },
    state,
  };
}

/** What a step is given for `run`, as follow-run.ts gives it. */
export function contextOf(run: Run, deps: RunnerDeps, takenOver = false): StepContext {
  const policy = policyOf(run);
  return { properties: policy.properties, policy, deps, budget: timeBudget(run.plan.deadline, deps), takenOver };
}

/** The AWS calls sent, by service, in the order each service received them (services with none left out). */
export function sent(aws: MockedAws): Record<string, string[]> {
  const services = { ecs: aws.ecs, cloudFormation: aws.cloudFormation, lambda: aws.lambda, ec2: aws.ec2 };
  return Object.fromEntries(
    Object.entries(services)
      .map(([service, mock]) => [service, mock.calls().map((call) => commandName(call.args[0]))] as const)
      .filter(([, names]) => names.length > 0),
  );
}

function commandName(command: unknown): string {
  return (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
}
