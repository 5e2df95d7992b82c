import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { checkLaunchSettings } from '../../src/tasks/launch-settings-check';
import { taskDefinitionFacts } from '../../src/tasks/task-definition-facts';
import { TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { parsed } from '../support/properties';

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRole';
const volume = (name: string) => ({ Name: name, ManagedEBSVolume: { RoleArn: ROLE, SizeInGiB: '10' } });

function check(properties: Record<string, unknown>, definition: Partial<TaskDefinition>): string[] {
  const runner = parsed({
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
    Cluster: 'todobackend-cluster',
    TaskDefinition: 'todobackend-migrate',
    LaunchType: 'EC2',
    ...properties,
  });
  return checkLaunchSettings(
    runner,
    taskDefinitionFacts(
      {
        taskDefinitionArn: TASK_DEFINITION_ARN,
        networkMode: 'bridge',
        containerDefinitions: [{ name: 'migrate' }],
        ...definition,
      },
      'todobackend-migrate',
    ),
  );
}

describe('launch settings checked against the task definition', () => {
  it('accepts a volume the task definition configures at launch', () => {
    expect(
      check(
        { VolumeConfigurations: [volume('scratch')] },
        { volumes: [{ name: 'scratch', configuredAtLaunch: true }] },
      ),
    ).toEqual([]);
  });

  it('a task definition without volumes says so', () => {
    expect(check({ VolumeConfigurations: [volume('scratch')] }, {})).toEqual([
      'VolumeConfigurations[0].Name: task definition todobackend-migrate:7 has no volume "scratch"; it has no volumes',
    ]);
  });

  it('a volume not configured at launch, in a task definition with none that is, says so', () => {
    expect(check({ VolumeConfigurations: [volume('cache')] }, { volumes: [{ name: 'cache' }] })).toEqual([
      'VolumeConfigurations[0].Name: volume "cache" of task definition todobackend-migrate:7 is not ConfiguredAtLaunch (it has no volume configured at launch) — register the task definition with ConfiguredAtLaunch: true on that volume',
    ]);
  });

  it('placement constraints may fill the 10 a task takes, together with the task definition’s, but not exceed them', () => {
    const constraints = (count: number) =>
      Array.from({ length: count }, () => ({
        type: 'memberOf' as const,
        expression: 'attribute:ecs.os-type == linux',
      }));
    expect(
      check(
        { PlacementConstraints: [{ Type: 'distinctInstance' }, { Type: 'distinctInstance' }] },
        { placementConstraints: constraints(8) },
      ),
    ).toEqual([]);
    expect(
      check(
        { PlacementConstraints: [{ Type: 'distinctInstance' }, { Type: 'distinctInstance' }] },
        { placementConstraints: constraints(9) },
      ),
    ).toEqual([
      'PlacementConstraints: 2 here and 9 in task definition todobackend-migrate:7 make 11; a task takes at most 10',
    ]);
  });
});
