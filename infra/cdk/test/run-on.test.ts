import { Template } from 'aws-cdk-lib/assertions';
import { EcsRunTask, RESOURCE_TYPE, RunOn } from '../lib';
import { onlyOf, smallStack } from './support/small-stack';

function properties(props: Partial<ConstructorParameters<typeof EcsRunTask>[2]>): Record<string, unknown> {
  const { stack, cluster, taskDefinition } = smallStack('RunOn');
  new EcsRunTask(stack, 'Migrate', { cluster, taskDefinition, ...props });
  return onlyOf(Template.fromStack(stack).toJSON() as never, RESOURCE_TYPE).properties;
}

describe('runOn', () => {
  it('reruns only when what runs changes by default: RerunOn TaskChange, which the runner judges from the old and new properties', () => {
    expect(properties({})).toMatchObject({ RerunOn: 'TaskChange' });
    expect(properties({})).not.toHaveProperty('Triggers');
    expect(properties({ runOn: RunOn.TASK_CHANGE })).toMatchObject({ RerunOn: 'TaskChange' });
  });

  it('reruns on any property change with ANY_CHANGE: the runner’s own default, left unwritten', () => {
    expect(properties({ runOn: RunOn.ANY_CHANGE })).not.toHaveProperty('RerunOn');
  });

  it('reruns on every deployment with EVERY_DEPLOY: a new trigger at each synthesis, beside the user’s own', () => {
    const first = properties({ runOn: RunOn.EVERY_DEPLOY, triggers: ['1.2.3'] });
    const second = properties({ runOn: RunOn.EVERY_DEPLOY, triggers: ['1.2.3'] });
    expect(first.Triggers).toEqual(['1.2.3', expect.stringMatching(/^[0-9a-f-]{36}$/)]);
    expect(second.Triggers).not.toEqual(first.Triggers);
    expect(properties({ runOn: RunOn.EVERY_DEPLOY, triggers: { ImageTag: '1.2.3' } }).Triggers).toEqual({
      ImageTag: '1.2.3',
      EcsRunTaskDeployment: expect.any(String),
    });
    expect(properties({ runOn: RunOn.EVERY_DEPLOY }).Triggers).toEqual([expect.any(String)]);
  });
});
