import { parseRunnerProperties, runsOnFargate } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const providers = (count: number): Record<string, string>[] =>
  Array.from({ length: count }, (_, i) => ({ CapacityProvider: `cp-${i}` }));

describe('CapacityProviderStrategy', () => {
  it('reads every entry with Weight and Base as numbers, and leaves out what is not given', () => {
    expect(
      parsed({
        ...base,
        CapacityProviderStrategy: [
          { CapacityProvider: 'FARGATE', Weight: '0', Base: '100000' },
          { CapacityProvider: 'FARGATE_SPOT', Weight: '1000', Base: '0' },
          { CapacityProvider: 'FARGATE_SPOT2' },
        ],
      }).capacityProviderStrategy,
    ).toEqual([
      { capacityProvider: 'FARGATE', weight: 0, base: 100000 },
      { capacityProvider: 'FARGATE_SPOT', weight: 1000, base: 0 },
      { capacityProvider: 'FARGATE_SPOT2' },
    ]);
  });

  it('takes 1 to 20 entries; none or 21 is refused, pointing to the cluster default', () => {
    expect(parsed({ ...base, CapacityProviderStrategy: providers(20) }).capacityProviderStrategy).toHaveLength(20);
    expect(parsed({ ...base, CapacityProviderStrategy: providers(1) }).capacityProviderStrategy).toEqual([
      { capacityProvider: 'cp-0' },
    ]);
    expect(problems(parseRunnerProperties({ ...base, CapacityProviderStrategy: providers(21) }))).toEqual([
      "CapacityProviderStrategy: has 21 entries; give 1 to 20, or leave it out to use the cluster's default",
    ]);
    expect(problems(parseRunnerProperties({ ...base, CapacityProviderStrategy: [] }))).toEqual([
      "CapacityProviderStrategy: has 0 entries; give 1 to 20, or leave it out to use the cluster's default",
    ]);
  });

  it('refuses a Weight over 1000, a Base over 100000, negative numbers, a missing provider, unknown keys and entries that are not objects', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          CapacityProviderStrategy: [
            { CapacityProvider: 'a', Weight: '1001', Base: '100001' },
            { CapacityProvider: 'b', Weight: '-1', Base: '-1' },
            { Weight: '1' },
            { CapacityProvider: 'c', Wieght: '1' },
            'FARGATE',
          ],
        }),
      ),
    ).toEqual([
      'CapacityProviderStrategy[0].Weight: "1001" is not a whole number from 0 to 1000',
      'CapacityProviderStrategy[0].Base: "100001" is not a whole number from 0 to 100000',
      'CapacityProviderStrategy[1].Weight: "-1" is not a whole number from 0 to 1000',
      'CapacityProviderStrategy[1].Base: "-1" is not a whole number from 0 to 100000',
      'CapacityProviderStrategy[2].CapacityProvider: is required',
      'CapacityProviderStrategy[3].Wieght: unknown property — did you mean Weight?',
      'CapacityProviderStrategy[4]: must be an object (a map of properties), got "FARGATE"',
    ]);
    expect(
      problems(parseRunnerProperties({ ...base, CapacityProviderStrategy: { CapacityProvider: 'FARGATE' } })),
    ).toEqual(['CapacityProviderStrategy: must be a list, got an object']);
  });

  it('decides that the tasks run on Fargate only when every provider is a Fargate one', () => {
    const fargateOnly = {
      PlatformVersion: 'LATEST',
      Overrides: { EphemeralStorage: { SizeInGiB: '30' } },
      Subnets: ['subnet-1'],
      AssignPublicIp: 'ENABLED',
    };
    expect(
      parseRunnerProperties({
        ...base,
        ...fargateOnly,
        CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE' }, { CapacityProvider: 'FARGATE_SPOT' }],
      }).kind,
    ).toBe('valid');
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          ...fargateOnly,
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE' }, { CapacityProvider: 'ec2-gpu' }],
        }),
      ),
    ).toEqual([
      'AssignPublicIp: ENABLED works only with Fargate: awsvpc tasks on EC2 never get a public IP — use DISABLED and a NAT gateway, or LaunchType FARGATE',
      'PlatformVersion: applies only to Fargate; remove it or use LaunchType FARGATE',
      "Overrides.EphemeralStorage: applies only to Fargate; on EC2 the instance's own storage is used — remove it or use LaunchType FARGATE",
    ]);
    // A mixed strategy may place tasks on EC2, where placement applies.
    expect(
      parseRunnerProperties({
        ...base,
        CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE' }, { CapacityProvider: 'ec2' }],
        PlacementStrategy: [{ Type: 'random' }],
      }).kind,
    ).toBe('valid');
  });
});

describe('where the tasks run', () => {
  it('is Fargate for LaunchType FARGATE or an all-Fargate strategy, not Fargate for EC2, EXTERNAL or an EC2 provider', () => {
    expect(runsOnFargate({ launchType: 'FARGATE' })).toBe(true);
    expect(runsOnFargate({ launchType: 'EC2' })).toBe(false);
    expect(runsOnFargate({ launchType: 'EXTERNAL' })).toBe(false);
    expect(runsOnFargate({ capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }] })).toBe(true);
    expect(runsOnFargate({ capacityProviderStrategy: [{ capacityProvider: 'ec2-spot' }] })).toBe(false);
    expect(runsOnFargate({ capacityProviderStrategy: [{ capacityProvider: 'my-FARGATE' }] })).toBe(false);
  });

  it('is unknown when neither is given: the cluster default decides', () => {
    expect(runsOnFargate({})).toBeUndefined();
    const anywhere = {
      Subnets: ['subnet-1'],
      AssignPublicIp: 'ENABLED',
      PlatformVersion: 'LATEST',
      Overrides: { EphemeralStorage: { SizeInGiB: '21' } },
    };
    expect(parseRunnerProperties({ ...base, ...anywhere }).kind).toBe('valid');
  });
});
