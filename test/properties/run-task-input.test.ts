import { runTaskInput, type RunTaskLaunch } from '../../src/properties/run-task-input';
import { REQUEST_TAG_KEY } from '../../src/shared/request-tag';
import { RESOURCE_TAG_KEY } from '../../src/shared/resource-tag';
import { DEADLINE_TAG_KEY, STACK_TAG_KEY } from '../../src/shared/deadline-tag';
import { parsed } from '../support/properties';

const TASK_DEFINITION_ARN = 'arn:aws:ecs:us-east-1:123456789012:task-definition/migrate:7';
const launch: RunTaskLaunch = {
  taskDefinitionArn: TASK_DEFINITION_ARN,
  count: 2,
  clientToken: 'b6a8f5e2-4c1d-4e0f-9a7b-3c2d1e0f9a8b',
  startedBy: 'cfn/Migrate/abc',
  requestTag: 'digest',
  resourceTag: 'resource-digest',
  deadline: Date.UTC(2026, 11, 7, 18, 30),
  stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/app/6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0',
};
const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};

describe("RunTask's input, from where the property table puts each property", () => {
  it('sends the cluster, the resolved revision, the launch’s count, token and startedBy, and the request’s, the resource’s, the deadline’s and the stack’s tags', () => {
    expect(runTaskInput(parsed({ ...base, Count: '3', StartedBy: 'ignored-here' }), launch)).toEqual({
      cluster: 'app',
      taskDefinition: TASK_DEFINITION_ARN,
      count: 2,
      clientToken: launch.clientToken,
      startedBy: 'cfn/Migrate/abc',
      tags: [
        { key: REQUEST_TAG_KEY, value: 'digest' },
        { key: RESOURCE_TAG_KEY, value: 'resource-digest' },
        { key: DEADLINE_TAG_KEY, value: '2026-12-07T18:30:00.000Z' },
        { key: STACK_TAG_KEY, value: launch.stackId },
      ],
    });
  });

  it('sends every RunTask property given, in RunTask’s names, and none of the runner’s own', () => {
    const properties = parsed({
      ...base,
      Subnets: ['subnet-0a'],
      SecurityGroups: ['sg-0a'],
      LaunchType: 'EC2',
      Overrides: { ContainerOverrides: [{ Name: 'app', Command: ['migrate'] }] },
      Group: 'migrations',
      Tags: [{ Key: 'team', Value: 'data' }],
      PropagateTags: 'TASK_DEFINITION',
      EnableExecuteCommand: 'false',
      EnableECSManagedTags: 'true',
      PlacementConstraints: [{ Type: 'distinctInstance' }],
      PlacementStrategy: [{ Type: 'binpack', Field: 'memory' }],
      Timeout: '600',
      PollInterval: '5',
      StartRetries: '2',
      Outputs: ['Version'],
    });
    expect(runTaskInput(properties, launch)).toEqual({
      cluster: 'app',
      taskDefinition: TASK_DEFINITION_ARN,
      count: 2,
      clientToken: launch.clientToken,
      startedBy: 'cfn/Migrate/abc',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'], securityGroups: ['sg-0a'] } },
      launchType: 'EC2',
      overrides: { containerOverrides: [{ name: 'app', command: ['migrate'] }] },
      group: 'migrations',
      tags: [
        { key: 'team', value: 'data' },
        { key: REQUEST_TAG_KEY, value: 'digest' },
        { key: RESOURCE_TAG_KEY, value: 'resource-digest' },
        { key: DEADLINE_TAG_KEY, value: '2026-12-07T18:30:00.000Z' },
        { key: STACK_TAG_KEY, value: launch.stackId },
      ],
      propagateTags: 'TASK_DEFINITION',
      enableExecuteCommand: false,
      enableECSManagedTags: true,
      placementConstraints: [{ type: 'distinctInstance' }],
      placementStrategy: [{ type: 'binpack', field: 'memory' }],
    });
  });

  it('sends the capacity providers, platform version and volumes as given', () => {
    const properties = parsed({
      ...base,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: '1' }],
      PlatformVersion: '1.4.0',
      VolumeConfigurations: [
        { Name: 'scratch', ManagedEBSVolume: { RoleArn: 'arn:aws:iam::123456789012:role/ecs-infra', SizeInGiB: '20' } },
      ],
    });
    expect(runTaskInput(properties, launch)).toMatchObject({
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
      platformVersion: '1.4.0',
      volumeConfigurations: [
        {
          name: 'scratch',
          managedEBSVolume: { roleArn: 'arn:aws:iam::123456789012:role/ecs-infra', sizeInGiB: 20 },
        },
      ],
    });
  });
});
