import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { GetFunctionRecursionConfigCommand } from '@aws-sdk/client-lambda';
import { planRun } from '../../src/run/plan-run';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { policyOf, purposeOf, runDeps, sent } from '../support/run-harness';

const aws = mockedAws();
beforeEach(() => stubHappyPath(aws));

/** Looking for an earlier run lists the resource's tasks once per desired status (running-tasks.ts). */
const LOOK_FOR_EARLIER_RUN = ['ListTasks', 'ListTasks'];

const EARLIER_TASK = TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4');

/** ListTasks names the earlier task; DescribeTasks says it runs, carrying this request's tag (it is this resource's). */
function earlierTaskRuns(): void {
  aws.ecs.on(ListTasksCommand).resolves({ taskArns: [EARLIER_TASK] });
  aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask({ taskArn: EARLIER_TASK })] });
}

describe('planning a run', () => {
  it.each([
    {
      what: 'a run with nothing earlier running starts at once, after looking for an earlier run',
      phase: 'run' as const,
      properties: { Count: '2' },
      earlier: false,
      calls: { ecs: ['DescribeTaskDefinition', ...LOOK_FOR_EARLIER_RUN] },
      planned: { kind: 'planned', run: { state: { kind: 'starting', count: 2, notBefore: 0 } } },
    },
    {
      what: 'a run waits for an earlier run still running (IfRunning Wait)',
      phase: 'run' as const,
      properties: {},
      earlier: true,
      calls: { ecs: ['DescribeTaskDefinition', ...LOOK_FOR_EARLIER_RUN, 'DescribeTasks'] },
      planned: { kind: 'planned', run: { state: { kind: 'waiting-for-earlier-run', taskArns: [EARLIER_TASK] } } },
    },
    {
      what: 'a run is refused beside an earlier run still running (IfRunning Fail), and stops nothing',
      phase: 'run' as const,
      properties: { IfRunning: 'Fail' },
      earlier: true,
      calls: { ecs: ['DescribeTaskDefinition', ...LOOK_FOR_EARLIER_RUN, 'DescribeTasks'] },
      planned: { kind: 'refused' },
    },
    {
      what: 'a teardown never looks for an earlier run: it waits for the tasks the Delete stopped',
      phase: 'teardown' as const,
      properties: { IfRunning: 'Fail' },
      earlier: true,
      waitFor: [EARLIER_TASK],
      calls: { ecs: ['DescribeTaskDefinition'] },
      planned: { kind: 'planned', run: { state: { kind: 'waiting-for-earlier-run', taskArns: [EARLIER_TASK] } } },
    },
    {
      what: 'a teardown with nothing stopped starts its one task at once',
      phase: 'teardown' as const,
      properties: { Count: '3' },
      earlier: false,
      calls: { ecs: ['DescribeTaskDefinition'] },
      planned: { kind: 'planned', run: { state: { kind: 'starting', count: 1, notBefore: 0 } } },
    },
  ])('$what', async ({ phase, properties, earlier, waitFor, calls, planned }) => {
    if (earlier) earlierTaskRuns();
    const { deps } = runDeps(aws);
    const purpose = purposeOf(phase, properties);
    expect(await planRun(purpose, policyOf(purpose), deps, waitFor)).toMatchObject(planned);
    expect(sent(aws)).toEqual(calls);
  });

  it('decides the plan once: the task definition revision, the deadline from the Timeout, the cluster', async () => {
    const { clock, deps } = runDeps(aws);
    const purpose = purposeOf('run', { Timeout: '300' });
    expect(await planRun(purpose, policyOf(purpose), deps)).toMatchObject({
      kind: 'planned',
      run: {
        handOffs: 0,
        plan: {
          cluster: 'todobackend-cluster',
          taskDefinitionArn: TASK_DEFINITION_ARN,
          essentialContainers: ['migrate'],
          deadline: clock.now() + 300_000,
          timeoutSeconds: 300,
        },
        progress: { attempt: 1, startFailures: [], succeeded: [] },
      },
    });
  });

  it.each([
    { what: 'too little time in this invocation', budgetMs: 10_000, calls: {} },
    {
      what: 'a watch longer than a chain of invocations may be, without RecursiveLoop Allow',
      budgetMs: 60_000,
      properties: { Timeout: '3000', ServiceTimeout: '3600' },
      recursion: 'Terminate' as const,
      calls: { lambda: ['GetFunctionRecursionConfig'] },
    },
  ])('refuses before anything is called on ECS: $what', async ({ budgetMs, properties, recursion, calls }) => {
    if (recursion) aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: recursion });
    const { deps } = runDeps(aws, budgetMs);
    const purpose = purposeOf('run', properties);
    expect(await planRun(purpose, policyOf(purpose), deps)).toMatchObject({ kind: 'refused' });
    expect(sent(aws)).toEqual(calls);
  });

  it.each([{ phase: 'run' as const }, { phase: 'teardown' as const }])(
    'refuses a $phase whose properties do not fit the task definition, as a Reason',
    async ({ phase }) => {
      aws.ecs.on(DescribeTaskDefinitionCommand).resolves({
        taskDefinition: { taskDefinitionArn: TASK_DEFINITION_ARN, networkMode: 'bridge', containerDefinitions: [] },
      });
      const { deps } = runDeps(aws);
      const purpose = purposeOf(phase);
      const planned = await planRun(purpose, policyOf(purpose), deps);
      expect(planned).toMatchObject({ kind: 'refused' });
      expect(planned.kind === 'refused' ? planned.reason : '').toMatch(
        /^Not started: NetworkConfiguration: task definition todobackend-migrate:7 uses network mode bridge/,
      );
      expect(sent(aws)).toEqual({ ecs: ['DescribeTaskDefinition'] });
    },
  );

  it.each([
    { budgetMs: 55_000, planned: { kind: 'planned' } },
    {
      budgetMs: 54_999,
      planned: {
        kind: 'refused',
        reason:
          "Not started: the runner function has only 55 s left in this invocation; it needs a Lambda Timeout of at least 60 s (900 s recommended) to watch tasks and hand off to a fresh invocation safely. Raise the function's Timeout.",
      },
    },
  ])('plans in an invocation with 55 s left, not less: $budgetMs ms', async ({ budgetMs, planned }) => {
    const { deps } = runDeps(aws, budgetMs);
    const purpose = purposeOf('run');
    expect(await planRun(purpose, policyOf(purpose), deps)).toMatchObject(planned);
  });

  it("lowers a Timeout past CloudFormation's wait to fit it, saying so in the log", async () => {
    const { clock, deps, log } = runDeps(aws);
    const purpose = purposeOf('run', { Timeout: '3000', ServiceTimeout: '600' });
    expect(await planRun(purpose, policyOf(purpose), deps)).toMatchObject({
      kind: 'planned',
      run: { plan: { deadline: clock.now() + 540_000, timeoutSeconds: 540 } },
    });
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: "Timeout lowered to fit CloudFormation's wait (ServiceTimeout, default 3600 s, less a margin to answer)",
      extra: [{ requested: 3000, cap: 540 }],
    });
  });

  /** The fixtures' request with a 3000 s Timeout, sent by CloudFormation at `amzDate` (the clock reads 12:00:00Z). */
  function sentAt(amzDate: string) {
    const purpose = purposeOf('run', { Timeout: '3000' });
    purpose.request.ResponseURL = purpose.request.ResponseURL.replace(/X-Amz-Date=\w+/, `X-Amz-Date=${amzDate}`);
    return purpose;
  }

  it("gives a request delivered late what is left of CloudFormation's wait, saying so in the log", async () => {
    const { deps, log } = runDeps(aws);
    // Sent 30 minutes ago: CloudFormation waits until 12:29 (an hour less a minute to answer).
    const purpose = sentAt('20261125T113000Z');
    expect(await planRun(purpose, policyOf(purpose), deps)).toMatchObject({
      kind: 'planned',
      run: { plan: { deadline: Date.UTC(2026, 10, 25, 12, 29, 0), timeoutSeconds: 1740 } },
    });
    expect(log.entries).toContainEqual({
      level: 'warn',
      message: "The request arrived late: the deadline is CloudFormation's (ResponseURL's X-Amz-Date + ServiceTimeout)",
      extra: [{ lateSeconds: 1800, deadline: '2026-11-25T12:29:00.000Z' }],
    });
  });

  it('refuses a request that arrives when CloudFormation must have its answer already, calling nothing', async () => {
    const { deps } = runDeps(aws);
    // Sent 59 minutes ago: CloudFormation's wait, less the minute to answer, ends now.
    const purpose = sentAt('20261125T110100Z');
    expect(await planRun(purpose, policyOf(purpose), deps)).toEqual({
      kind: 'refused',
      reason:
        "Not started: CloudFormation sent this request at 2026-11-25T11:01:00.000Z (the ResponseURL's X-Amz-Date) and waits 3600 s for its answer (ServiceTimeout); it reached the runner 3540 s later, too late to run a task (an SNS delay, or Lambda's asynchronous retries of a failed invocation). Run the stack operation again.",
    });
    expect(sent(aws)).toEqual({});
  });

  it('does not limit the chain of invocations of a run that parks (events on, with a state table)', async () => {
    aws.lambda.on(GetFunctionRecursionConfigCommand).resolves({ RecursiveLoop: 'Terminate' });
    aws.stateTable.enabled = true;
    const { deps } = runDeps(aws, 60_000);
    const purpose = purposeOf('run', { Timeout: '3000' });
    expect(await planRun(purpose, policyOf(purpose), { ...deps, eventDriven: true })).toMatchObject({
      kind: 'planned',
    });
    expect(aws.lambda).not.toHaveReceivedCommand(GetFunctionRecursionConfigCommand);
  });
});
