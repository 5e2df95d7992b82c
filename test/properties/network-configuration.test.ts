import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const subnets = (count: number): string[] => Array.from({ length: count }, (_, i) => `subnet-${i}a`);

describe('NetworkConfiguration.AwsvpcConfiguration', () => {
  it('reads the form AWS::ECS::Service uses', () => {
    expect(
      parsed({
        ...base,
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: ['subnet-0a', 'subnet-0b'],
            SecurityGroups: ['sg-0c'],
            AssignPublicIp: 'DISABLED',
          },
        },
      }).network,
    ).toEqual({ subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0c'], assignPublicIp: 'DISABLED' });
  });

  it('sends only the subnets when nothing else is given, and no empty security group list', () => {
    expect(
      parsed({ ...base, NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a'], SecurityGroups: [] } } })
        .network,
    ).toEqual({ subnets: ['subnet-0a'] });
    expect(parsed({ ...base, Subnets: ['subnet-0a'] }).network).toEqual({ subnets: ['subnet-0a'] });
  });

  it('is required inside NetworkConfiguration', () => {
    expect(problems(parseRunnerProperties({ ...base, NetworkConfiguration: {} }))).toEqual([
      'NetworkConfiguration.AwsvpcConfiguration: is required inside NetworkConfiguration',
    ]);
  });

  it('must be an object, as must NetworkConfiguration (said once, not again as missing)', () => {
    expect(
      problems(parseRunnerProperties({ ...base, NetworkConfiguration: { AwsvpcConfiguration: ['subnet-0a'] } })),
    ).toEqual(['NetworkConfiguration.AwsvpcConfiguration: must be an object (a map of properties), got a list']);
    expect(problems(parseRunnerProperties({ ...base, NetworkConfiguration: 'subnet-0a' }))).toEqual([
      'NetworkConfiguration: must be an object (a map of properties), got "subnet-0a"',
    ]);
  });

  it('names unknown keys at each level', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a'] }, Subnets: ['subnet-0a'] },
        }),
      ),
    ).toEqual(['NetworkConfiguration.Subnets: unknown property — the closest known name is AwsvpcConfiguration']);
  });

  it('needs Subnets inside AwsvpcConfiguration', () => {
    expect(
      problems(
        parseRunnerProperties({ ...base, NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: ['sg-1'] } } }),
      ),
    ).toEqual([
      'NetworkConfiguration.AwsvpcConfiguration.Subnets: is required for task networking: list 1 to 16 subnet IDs of one VPC',
    ]);
  });
});

describe('the shorthand Subnets, SecurityGroups and AssignPublicIp', () => {
  it('needs Subnets when only AssignPublicIp is given', () => {
    expect(problems(parseRunnerProperties({ ...base, AssignPublicIp: 'DISABLED' }))).toEqual([
      'Subnets: is required for task networking: list 1 to 16 subnet IDs of one VPC',
    ]);
  });

  it('is refused next to NetworkConfiguration, naming every shorthand key given', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          SecurityGroups: ['sg-1'],
          AssignPublicIp: 'DISABLED',
          NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0a'] } },
        }),
      ),
    ).toEqual([
      'NetworkConfiguration: given together with SecurityGroups, AssignPublicIp; use either NetworkConfiguration.AwsvpcConfiguration or the top-level shorthand, not both',
    ]);
  });

  it('takes 1 to 16 subnets and up to 5 security groups', () => {
    expect(
      parsed({ ...base, Subnets: subnets(16), SecurityGroups: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'] }).network,
    ).toEqual({
      subnets: subnets(16),
      securityGroups: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5'],
    });
    expect(problems(parseRunnerProperties({ ...base, Subnets: subnets(17) }))).toEqual([
      'Subnets: has 17 entries; 1 to 16 are allowed',
    ]);
  });

  it('refuses IDs of the wrong kind, empty entries and a subnet listed twice', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Subnets: ['subnet-0a', 'subnet-0a', '', 'my-subnet-0a', 'subnet-0A'],
          SecurityGroups: ['sg-0a ', 'default', 'my-sg-0a'],
        }),
      ),
    ).toEqual([
      'Subnets[2]: is required',
      'Subnets[3]: "my-subnet-0a" is not a subnet ID (subnet-…)',
      'Subnets[4]: "subnet-0A" is not a subnet ID (subnet-…)',
      'Subnets: lists subnet-0a more than once',
      'SecurityGroups[0]: "sg-0a " is not a security group ID (sg-…)',
      'SecurityGroups[1]: "default" is not a security group ID (sg-…)',
      'SecurityGroups[2]: "my-sg-0a" is not a security group ID (sg-…)',
    ]);
    expect(
      problems(parseRunnerProperties({ ...base, Subnets: ['subnet-0a', 'subnet-0b', 'subnet-0a', 'subnet-0b'] })),
    ).toEqual(['Subnets: lists subnet-0a, subnet-0b more than once']);
  });

  it('refuses a single ID where a list is needed, and a public IP setting that is neither ENABLED nor DISABLED', () => {
    expect(
      problems(
        parseRunnerProperties({ ...base, Subnets: 'subnet-0a', SecurityGroups: 'sg-0a', AssignPublicIp: 'true' }),
      ),
    ).toEqual([
      'Subnets: must be a list, got "subnet-0a"',
      'SecurityGroups: must be a list, got "sg-0a"',
      'AssignPublicIp: "true" is not one of ENABLED, DISABLED',
    ]);
  });
});
