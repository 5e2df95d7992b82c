import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CustomResource, type TemplateValue } from '../../scripts/local/cloudformation';
import type { LocalEnvironment } from '../../scripts/local/local-environment';
import { LOCAL_STATE_TABLE } from '../../scripts/local/state-table';
import {
  clusterTasks,
  describeTask,
  describeWithMoto,
  expectAnswer,
  polledStatuses,
  taskNetworkInterface,
} from './moto-suite';

// Tasks stop on the first DescribeTasks (one test slows them down to watch the handler wait).
describeWithMoto(
  'the built handler runs tasks for Create and Update',
  { taskTransition: { progression: 'immediate' } },
  (environment) => {
    let env: LocalEnvironment;
    let secondGroupId: string;

    beforeAll(async () => {
      env = environment();
      const group = await env.clients.ec2.send(
        new CreateSecurityGroupCommand({
          VpcId: env.stack.vpcId,
          GroupName: 'database-clients',
          Description: 'may reach the database',
        }),
      );
      secondGroupId = group.GroupId ?? '';
    });

    afterEach(async () => {
      await env.moto.setTaskTransition({ progression: 'immediate' });
    });

    const base = (): Record<string, TemplateValue> => ({
      Cluster: env.stack.cluster,
      TaskDefinition: env.stack.taskDefinitionArn,
      LaunchType: 'FARGATE',
      PollInterval: 1,
    });
    const nested = (): Record<string, TemplateValue> => ({
      ...base(),
      NetworkConfiguration: {
        AwsvpcConfiguration: {
          Subnets: [env.stack.subnetId],
          SecurityGroups: [env.stack.securityGroupId],
          AssignPublicIp: 'DISABLED',
        },
      },
    });

    it("Create with NetworkConfiguration.AwsvpcConfiguration puts the task's ENI in the subnet, with the security group", async () => {
      const resource = new CustomResource('MigrateNested', env.simulation);

      const response = expectAnswer(await resource.create(nested()), 'SUCCESS');

      expect(response.PhysicalResourceId).toMatch(/MigrateNested/);
      expect(response.Data).toMatchObject({ TaskArn: expect.stringMatching(/^arn:aws:ecs:/), ExitCode: '0' });
      const taskArn = String(response.Data?.TaskArn);
      expect(response.Data?.TaskArns).toBe(taskArn);
      expect(await taskNetworkInterface(env, taskArn)).toEqual({
        subnetId: env.stack.subnetId,
        securityGroupIds: [env.stack.securityGroupId],
      });
    });

    it('answers a request that came through an SNS topic (ServiceToken a topic ARN) the same way', async () => {
      const topicArn = `arn:aws:sns:${env.moto.region}:123456789012:ecs-task-runner`;
      const resource = new CustomResource('MigrateViaTopic', env.simulation, 'Custom::ECSTaskRunner', topicArn);

      const exchange = await resource.create(nested());

      const response = expectAnswer(exchange, 'SUCCESS');
      expect(exchange.request.ResourceProperties.ServiceToken).toBe(topicArn);
      expect(exchange.invocations[0]?.event).toMatchObject({
        Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: topicArn } }],
      });
      expect(response.Data).toMatchObject({ TaskArn: expect.stringMatching(/^arn:aws:ecs:/), ExitCode: '0' });
      expect(expectAnswer(await resource.delete(), 'SUCCESS').PhysicalResourceId).toBe(response.PhysicalResourceId);
    });

    it('answers only once the task has gone through to STOPPED', async () => {
      await env.moto.setTaskTransition({ progression: 'manual', times: 1 });
      const exchange = await new CustomResource('MigrateWatched', env.simulation).create(nested());

      expectAnswer(exchange, 'SUCCESS');
      expect(polledStatuses(exchange)).toEqual(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
    });

    it('Create with the Subnets/SecurityGroups shorthand gives the ENI every security group', async () => {
      const resource = new CustomResource('MigrateShorthand', env.simulation);

      const response = expectAnswer(
        await resource.create({
          ...base(),
          Subnets: [env.stack.subnetId],
          SecurityGroups: [env.stack.securityGroupId, secondGroupId],
        }),
        'SUCCESS',
      );

      const eni = await taskNetworkInterface(env, String(response.Data?.TaskArn));
      expect(eni.subnetId).toBe(env.stack.subnetId);
      expect(eni.securityGroupIds.sort()).toEqual([env.stack.securityGroupId, secondGroupId].sort());
    });

    it('Count "2" runs two tasks and lists both in Data.TaskArns', async () => {
      const response = expectAnswer(
        await new CustomResource('MigrateTwice', env.simulation).create({ ...nested(), Count: 2 }),
        'SUCCESS',
      );

      const taskArns = String(response.Data?.TaskArns).split(',');
      expect(taskArns).toHaveLength(2);
      expect(new Set(taskArns).size).toBe(2);
      expect(taskArns).toContain(response.Data?.TaskArn);
      for (const taskArn of taskArns)
        expect((await describeTask(env, taskArn)).startedBy).toMatch(/^cfn\/MigrateTwice\//);
    });

    it('Update runs the task again under the same PhysicalResourceId', async () => {
      const resource = new CustomResource('MigrateAgain', env.simulation);
      const created = expectAnswer(await resource.create({ ...nested(), Triggers: { ImageTag: '1.0.0' } }), 'SUCCESS');

      const updated = expectAnswer(await resource.update({ ...nested(), Triggers: { ImageTag: '1.1.0' } }), 'SUCCESS');

      expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
      expect(updated.Data?.TaskArn).toMatch(/^arn:aws:ecs:/);
      expect(updated.Data?.TaskArn).not.toBe(created.Data?.TaskArn);
      expect(updated.Data?.ExitCode).toBe('0');
    });

    it('Update with RunOnUpdate "false" runs nothing, and answers the attributes the Create kept in the state table', async () => {
      const resource = new CustomResource('MigrateOnce', env.simulation);
      const created = expectAnswer(
        await resource.create({ ...nested(), RunOnUpdate: false, Triggers: { ImageTag: '1.0.0' } }),
        'SUCCESS',
      );
      const { startedBy } = await describeTask(env, String(created.Data?.TaskArn));
      expect(await clusterTasks(env, startedBy)).toEqual([created.Data?.TaskArn]);
      const before = await clusterTasks(env);

      const updated = expectAnswer(
        await resource.update({ ...nested(), RunOnUpdate: false, Triggers: { ImageTag: '1.1.0' } }),
        'SUCCESS',
      );

      expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
      expect(updated.Data).toEqual(created.Data);
      expect(updated.Data).toMatchObject({ TaskArn: expect.stringMatching(/^arn:aws:ecs:/), ExitCode: '0' });
      expect((await clusterTasks(env)).sort()).toEqual(before.sort());
    });

    it('Delete answers SUCCESS under the same PhysicalResourceId, and leaves none of its attributes in the state table', async () => {
      const resource = new CustomResource('MigrateGone', env.simulation);
      const created = expectAnswer(await resource.create(nested()), 'SUCCESS');
      const taskArn = String(created.Data?.TaskArn);
      expect(JSON.stringify(await stateTableItems(env))).toContain(taskArn);

      const deleted = expectAnswer(await resource.delete(), 'SUCCESS');

      expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
      expect(JSON.stringify(await stateTableItems(env))).not.toContain(taskArn);
    });
  },
);

/** Every item of the local state table, as DynamoDB returns them. */
async function stateTableItems(env: LocalEnvironment): Promise<unknown[]> {
  return (await env.clients.dynamodb.send(new ScanCommand({ TableName: LOCAL_STATE_TABLE }))).Items ?? [];
}
