import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const tags = (count: number): Record<string, string>[] =>
  Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));

describe('Tags', () => {
  it("takes up to 46 tags, leaving the task's last four to the runner's own, and refuses the 47th", () => {
    expect(parsed({ ...base, Tags: tags(46) }).tags).toEqual(
      Array.from({ length: 46 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    expect(problems(parseRunnerProperties({ ...base, Tags: tags(47) }))).toEqual([
      'Tags: has 47 tags; at most 46 are allowed (a task takes 50, and the runner adds 4 of its own: ecs-task-runner:request, ecs-task-runner:resource, ecs-task-runner:deadline, ecs-task-runner:stack)',
    ]);
  });

  it('takes keys of up to 128 and values of up to 256 characters', () => {
    expect(parsed({ ...base, Tags: [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }] }).tags).toEqual([
      { key: 'k'.repeat(128), value: 'v'.repeat(256) },
    ]);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Tags: [
            { Key: 'k'.repeat(129), Value: 'v' },
            { Key: 'k', Value: 'v'.repeat(257) },
          ],
        }),
      ),
    ).toEqual([
      'Tags[0].Key: is 129 characters long; at most 128 are allowed',
      'Tags[1].Value: is 257 characters long; at most 256 are allowed',
    ]);
  });

  it('sends an empty or missing value as an empty string, and a number as its text', () => {
    expect(parsed({ ...base, Tags: [{ Key: 'a', Value: '' }, { Key: 'b' }, { Key: 'c', Value: 3 }] }).tags).toEqual([
      { key: 'a', value: '' },
      { key: 'b', value: '' },
      { key: 'c', value: '3' },
    ]);
  });

  it('refuses the aws: prefix in any case, unknown keys, and tags that are not objects', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Tags: [{ Key: 'AWS:cloudformation:stack-name', Value: 'x' }, { Key: 'team', Valeu: 'x' }, 'team=data'],
        }),
      ),
    ).toEqual([
      'Tags[0].Key: "AWS:cloudformation:stack-name" uses the reserved prefix aws:',
      'Tags[1].Valeu: unknown property — did you mean Value?',
      'Tags[2]: must be an object (a map of properties), got "team=data"',
    ]);
    expect(problems(parseRunnerProperties({ ...base, Tags: { team: 'data' } }))).toEqual([
      'Tags: must be a list, got an object',
    ]);
  });

  it('takes all 50 tags on an EBS volume, which carries no tag of the runner, and refuses the 51st', () => {
    const volume = (count: number) => ({
      ...base,
      VolumeConfigurations: [
        {
          Name: 'data',
          ManagedEBSVolume: {
            RoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
            SizeInGiB: '10',
            TagSpecifications: [{ ResourceType: 'volume', Tags: tags(count) }],
          },
        },
      ],
    });
    expect(parsed(volume(50)).volumeConfigurations?.[0]?.managedEBSVolume?.tagSpecifications?.[0]?.tags).toHaveLength(
      50,
    );
    expect(problems(parseRunnerProperties(volume(51)))).toEqual([
      'VolumeConfigurations[0].ManagedEBSVolume.TagSpecifications[0].Tags: has 51 tags; at most 50 are allowed',
    ]);
  });

  it('lets the task carry the names ECS reserves on the volumes it creates', () => {
    expect(parsed({ ...base, Tags: [{ Key: 'AmazonECSManaged', Value: 'x' }] }).tags).toEqual([
      { key: 'AmazonECSManaged', value: 'x' },
    ]);
  });
});
