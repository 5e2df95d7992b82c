import { CustomResource, type TemplateValue } from '../../scripts/local/cloudformation';
import type { LocalEnvironment } from '../../scripts/local/local-environment';
import { clusterTasks, describeWithMoto, expectAnswer } from './moto-suite';

/**
 * A first invocation of this length may start tasks (it has more than the 55 s the runner asks for), then hands off
 * when less than 30 s (plus the next poll's wait) remain: after about 31 s of watching.
 */
const SHORT_FUNCTION_TIMEOUT_MS = 62_000;

/** moto advances the task one status every this many seconds: STOPPED after four steps, past the hand-off. */
const SECONDS_PER_STATUS = 9;

describeWithMoto(
  'the built handler, when things go wrong or take long',
  { taskTransition: { progression: 'immediate' } },
  (environment) => {
    let env: LocalEnvironment;
    beforeAll(() => {
      env = environment();
    });

    const properties = (subnetId: string): Record<string, TemplateValue> => ({
      Cluster: env.stack.cluster,
      TaskDefinition: env.stack.taskDefinitionArn,
      LaunchType: 'FARGATE',
      Subnets: [subnetId],
      SecurityGroups: [env.stack.securityGroupId],
      PollInterval: 1,
    });

    it('fails a Create whose subnet does not exist, naming the subnet, and starts no task; the Delete that follows succeeds', async () => {
      const missingSubnet = 'subnet-0123456789abcdef0';
      const resource = new CustomResource('MigrateNowhere', env.simulation);
      const before = await clusterTasks(env);

      const failed = expectAnswer(await resource.create(properties(missingSubnet)), 'FAILED');

      expect(failed.Reason).toContain(missingSubnet);
      expect(failed.PhysicalResourceId).toMatch(/MigrateNowhere/);
      expect((await clusterTasks(env)).sort()).toEqual(before.sort());

      // CloudFormation rolls the failed Create back with a Delete of the ID the failure carried.
      const deleted = expectAnswer(await resource.delete({ stackStatus: 'ROLLBACK_IN_PROGRESS' }), 'SUCCESS');
      expect(deleted.PhysicalResourceId).toBe(failed.PhysicalResourceId);
    });

    it('starts no task for a Create CloudFormation has cancelled: its stack already rolls back', async () => {
      const resource = new CustomResource('MigrateCancelled', env.simulation);
      const before = await clusterTasks(env);

      const failed = expectAnswer(
        await resource.create(properties(env.stack.subnetId), { stackStatus: 'ROLLBACK_IN_PROGRESS' }),
        'FAILED',
      );

      expect(failed.Reason).toMatch(/^Not started: stack migrate-demo is ROLLBACK_IN_PROGRESS /);
      expect((await clusterTasks(env)).sort()).toEqual(before.sort());
    });

    it('hands a long watch off to a fresh invocation of itself, which answers', async () => {
      const resource = new CustomResource('MigrateLong', env.simulation);

      await env.moto.setTaskTransition({ progression: 'time', seconds: SECONDS_PER_STATUS });
      let exchange;
      try {
        // A Timeout whose watch fits in Lambda's recursion limit with this short function (300 s / 32 s: 10 invocations).
        exchange = await resource.create(
          { ...properties(env.stack.subnetId), Timeout: 300 },
          { firstTimeoutMs: SHORT_FUNCTION_TIMEOUT_MS },
        );
      } finally {
        await env.moto.setTaskTransition({ progression: 'immediate' });
      }

      const response = expectAnswer(exchange, 'SUCCESS');
      expect(response.Data?.TaskArn).toMatch(/^arn:aws:ecs:/);
      const [first, second, ...more] = exchange.invocations;
      expect(more).toHaveLength(0);
      expect(first?.handOffs).toEqual([
        {
          functionName: env.functionArn,
          payload: expect.objectContaining({
            request: expect.objectContaining({ RequestId: exchange.request.RequestId }),
          }),
        },
      ]);
      expect(first?.logs.map((record) => record.message)).not.toContain('Answered CloudFormation');
      expect(second?.handOffs).toEqual([]);
      // The fresh invocation claimed the run's generation in moto's state table (a failed claim is only logged).
      expect(second?.logs.map((record) => record.message)).not.toContain(
        'Could not claim the run in the state table: carrying on, as a runner without the table does',
      );
      expect(second?.logs.map((record) => record.message)).toContain('Taking over the watch');
    }, 120_000);
  },
);
