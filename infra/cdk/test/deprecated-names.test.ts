import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsRunTask, RESOURCE_TYPE } from '../lib';
import { onlyOf, smallStack } from './support/small-stack';

const resourceOf = (stack: ReturnType<typeof smallStack>['stack']) =>
  onlyOf(Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> }, RESOURCE_TYPE);

describe('names kept for the apps that use them', () => {
  it('writes EnableECSManagedTags from enableECSManagedTags, as aws-cdk-lib names it, or from the old enableEcsManagedTags', () => {
    const { stack, cluster, taskDefinition } = smallStack('ManagedTags');
    new EcsRunTask(stack, 'New', { cluster, taskDefinition, enableECSManagedTags: true });
    // The old name keeps working; the new one wins when both are given. (This test is about the deprecated name.)
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    new EcsRunTask(stack, 'Old', { cluster, taskDefinition, enableEcsManagedTags: true });
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    new EcsRunTask(stack, 'Both', { cluster, taskDefinition, enableECSManagedTags: false, enableEcsManagedTags: true });
    const resources = Template.fromStack(stack).findResources(RESOURCE_TYPE);
    const written = Object.fromEntries(
      Object.entries(resources).map(([id, resource]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        (resource as { Properties: { EnableECSManagedTags?: unknown } }).Properties.EnableECSManagedTags,
      ]),
    );
    expect(written).toEqual({ New: true, Old: true, Both: false });
  });

  it('makes a service wait for the task with runBefore, as with executeBefore', () => {
    const { stack, cluster, taskDefinition } = smallStack('RunBefore');
    const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition });
    const migrate = new EcsRunTask(stack, 'Migrate', { service });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the deprecated name is what this test is about
    migrate.runBefore(service);
    const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, { Type: string }> };
    expect(onlyOf(template, 'AWS::ECS::Service').dependsOn).toContain(resourceOf(stack).logicalId);
  });
});
