import { DescribeTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { CustomResource, type TemplateValue } from '../../scripts/local/cloudformation';
import type { LocalEnvironment } from '../../scripts/local/local-environment';
import { describeWithMoto, expectAnswer } from './moto-suite';
import { resourceTag } from '../../src/shared/resource-identity';

describeWithMoto(
  'the built handler, with run policies',
  { taskTransition: { progression: 'immediate' } },
  (environment) => {
    let env: LocalEnvironment;
    beforeAll(() => {
      env = environment();
    });

    const properties = (extra: Record<string, TemplateValue> = {}): Record<string, TemplateValue> => ({
      Cluster: env.stack.cluster,
      TaskDefinition: env.stack.taskDefinitionArn,
      LaunchType: 'FARGATE',
      Subnets: [env.stack.subnetId],
      SecurityGroups: [env.stack.securityGroupId],
      PollInterval: 1,
      ...extra,
    });

    it('tags each task with the request it belongs to, and says how many attempts it took', async () => {
      const resource = new CustomResource('MigrateTagged', env.simulation);
      const exchange = await resource.create(properties({ StartRetries: 2 }));
      const response = expectAnswer(exchange, 'SUCCESS');
      expect(response.Data?.Attempts).toBe('1');
      const { tasks } = await env.clients.ecs.send(
        new DescribeTasksCommand({
          cluster: env.stack.cluster,
          tasks: [String(response.Data?.TaskArn)],
          include: ['TAGS'],
        }),
      );
      expect(tasks?.[0]?.tags).toEqual([
        { key: 'ecs-task-runner:request', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
        { key: 'ecs-task-runner:resource', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
        {
          key: 'ecs-task-runner:deadline',
          value: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        },
        { key: 'ecs-task-runner:stack', value: env.simulation.stackId },
      ]);
    }, 60_000);

    it('IfRunning Fail refuses to start while a task of an earlier run still runs, naming it', async () => {
      const resource = new CustomResource('MigrateOnce', env.simulation);
      // An earlier run's task, still running: moto moves it on only when told to.
      await env.moto.setTaskTransition({ progression: 'manual', times: 0 });
      let earlier: string | undefined;
      try {
        // As the runner tags an earlier run of this resource: what makes the task the resource's.
        earlier = await startTaskOutsideTheRunner(env, 'migrate-once', [
          {
            key: 'ecs-task-runner:resource',
            value: resourceTag({ StackId: env.simulation.stackId, LogicalResourceId: 'MigrateOnce' }),
          },
        ]);
        const failed = expectAnswer(
          await resource.create(properties({ StartedBy: 'migrate-once', IfRunning: 'Fail' })),
          'FAILED',
        );
        expect(failed.Reason).toContain(
          `IfRunning is Fail, and 1 task of an earlier run of this resource still runs: ${earlier?.split('/').pop()}`,
        );
      } finally {
        if (earlier) await env.clients.ecs.send(new StopTaskCommand({ cluster: env.stack.cluster, task: earlier }));
        await env.moto.setTaskTransition({ progression: 'immediate' });
      }
    }, 60_000);

    it("leaves alone, on Delete, a task that shares the resource's StartedBy but not its tag", async () => {
      const resource = new CustomResource('MigrateShared', env.simulation);
      expectAnswer(await resource.create(properties({ StartedBy: 'shared-label' })), 'SUCCESS');
      await env.moto.setTaskTransition({ progression: 'manual', times: 0 });
      let foreign: string | undefined;
      try {
        // Another team's task under the same startedBy, started without the runner's tags.
        foreign = await startTaskOutsideTheRunner(env, 'shared-label', []);
        const exchange = await resource.delete();
        expect(expectAnswer(exchange, 'SUCCESS').Reason).toBe('No task of this resource was running.');
        // moto moves the task on by itself (it is STOPPING once started), so what says it was left alone is the log.
        const warnings = exchange.invocations.flatMap((invocation) =>
          invocation.logs.filter((record) => record.level === 'WARN' && record.message.includes('not its tag')),
        );
        expect(warnings).toEqual([expect.objectContaining({ startedBy: 'shared-label', taskArns: [foreign] })]);
      } finally {
        if (foreign) await env.clients.ecs.send(new StopTaskCommand({ cluster: env.stack.cluster, task: foreign }));
        await env.moto.setTaskTransition({ progression: 'immediate' });
      }
    }, 60_000);

    it('runs the OnDelete teardown task when the resource is deleted', async () => {
      const resource = new CustomResource('MigrateWithTeardown', env.simulation);
      expectAnswer(
        await resource.create(
          properties({
            OnDelete: { Overrides: { ContainerOverrides: [{ Name: 'migrate', Command: ['npm', 'run', 'teardown'] }] } },
          }),
        ),
        'SUCCESS',
      );
      const deleted = expectAnswer(await resource.delete(), 'SUCCESS');
      // moto keeps a task's desired status RUNNING after its container exited, so the Delete finds and stops it first.
      expect(deleted.Reason).toMatch(/ Teardown task [0-9a-f-]+ succeeded\.$/);
    }, 60_000);
  },
);

/** A Fargate task of the sample's task definition started straight through ECS, as someone else would: its ARN. */
async function startTaskOutsideTheRunner(
  env: LocalEnvironment,
  startedBy: string,
  tags: { key: string; value: string }[],
): Promise<string | undefined> {
  const started = await env.clients.ecs.send(
    new RunTaskCommand({
      cluster: env.stack.cluster,
      taskDefinition: env.stack.taskDefinitionArn,
      launchType: 'FARGATE',
      startedBy,
      ...(tags.length > 0 ? { tags } : {}),
      networkConfiguration: {
        awsvpcConfiguration: { subnets: [env.stack.subnetId], securityGroups: [env.stack.securityGroupId] },
      },
    }),
  );
  return started.tasks?.[0]?.taskArn;
}
