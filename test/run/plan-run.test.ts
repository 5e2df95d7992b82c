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
});
