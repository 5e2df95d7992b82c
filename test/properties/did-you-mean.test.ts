import { closestNames, unknownNameProblem } from '../../src/properties/did-you-mean';
import { parseRunnerProperties, type PropertiesResult } from '../../src/properties/runner-properties';

const serviceToken = 'arn:aws:lambda:us-east-1:123456789012:function:runner';

function problems(result: PropertiesResult): string[] {
  return result.kind === 'valid' ? [] : result.problems;
}

describe('an unknown property name', () => {
  it('suggests the one name it is a likely typo of', () => {
    expect(unknownNameProblem('', 'Timeoutt', ['Timeout', 'Triggers', 'Tags'])).toBe(
      'Timeoutt: unknown property — did you mean Timeout?',
    );
  });

  it('suggests every name that is equally close', () => {
    expect(unknownNameProblem('', 'Tag', ['Tags', 'Taga', 'Cluster'])).toBe(
      'Tag: unknown property — did you mean Tags or Taga?',
    );
  });

  it('names the three closest known names, not the whole list, when none is a likely typo', () => {
    const result = problems(
      parseRunnerProperties({ ServiceToken: serviceToken, Cluster: 'app', TaskDefinition: 'migrate', Foo: '1' }),
    );
    expect(result).toEqual(['Foo: unknown property — the closest known names are Count, Group, Tags']);
  });

  it('is reported once when it is a misspelling of a required property, not again as the missing property', () => {
    expect(
      problems(parseRunnerProperties({ ServiceToken: serviceToken, cluster: 'app', TaskDefinition: 'migrate' })),
    ).toEqual(['cluster: unknown property — did you mean Cluster?']);
    expect(
      problems(
        parseRunnerProperties({
          ServiceToken: serviceToken,
          Cluster: 'app',
          TaskDefinition: 'migrate',
          NetworkConfiguration: { AwsvpcConfigurations: { Subnets: ['subnet-1'] } },
        }),
      ),
    ).toEqual(['NetworkConfiguration.AwsvpcConfigurations: unknown property — did you mean AwsvpcConfiguration?']);
  });

  it('still lets a required property be missing when no key was taken for it', () => {
    expect(
      problems(
        parseRunnerProperties({
          ServiceToken: serviceToken,
          TaskDefinition: 'migrate',
          Clusters: 'app',
          Taskdefinitions: 'x',
        }),
      ),
    ).toEqual([
      'Clusters: unknown property — did you mean Cluster?',
      'Taskdefinitions: unknown property — did you mean TaskDefinition?',
    ]);
    expect(problems(parseRunnerProperties({ ServiceToken: serviceToken, TaskDefinition: 'migrate' }))).toEqual([
      'Cluster: is required',
    ]);
  });
});

describe('a misspelt name', () => {
  it('is taken for the name one letter away, whether a letter is added, missing, changed or two are swapped', () => {
    const known = ['Timeout', 'Triggers', 'Tags'];
    expect(closestNames('Timeoutt', known)).toEqual({ names: ['Timeout'], likelyTypo: true });
    expect(closestNames('Timout', known)).toEqual({ names: ['Timeout'], likelyTypo: true });
    expect(closestNames('Timeaut', known)).toEqual({ names: ['Timeout'], likelyTypo: true });
    expect(closestNames('Tiemout', known)).toEqual({ names: ['Timeout'], likelyTypo: true });
    expect(closestNames('TIMEOUT', known)).toEqual({ names: ['Timeout'], likelyTypo: true });
  });

  it('of a long name may be further off: a quarter of its length', () => {
    expect(
      problems(
        parseRunnerProperties({
          ServiceToken: serviceToken,
          Cluster: 'app',
          TaskDefinition: 'migrate',
          EnableExecCommand: 'true',
        }),
      ),
    ).toEqual(['EnableExecCommand: unknown property — did you mean EnableExecuteCommand?']);
    // Three letters off a seven-letter name is no longer a typo of it.
    expect(closestNames('Timexyz', ['Timeout'])).toEqual({ names: ['Timeout'], likelyTypo: false });
  });

  it('suggests only the nearest when several names are within a typo of it', () => {
    // "Tag" is one letter from Tags and two from Stage: only Tags is meant.
    expect(unknownNameProblem('', 'Tag', ['Stage', 'Tags'])).toBe('Tag: unknown property — did you mean Tags?');
  });

  it('suggests at most three names even when more are equally close', () => {
    expect(unknownNameProblem('', 'Ab', ['Aa', 'Ac', 'Ad', 'Ae'])).toBe(
      'Ab: unknown property — did you mean Aa or Ac or Ad?',
    );
  });

  it('names the single known name when there is only one', () => {
    expect(unknownNameProblem('Overrides.EphemeralStorage.', 'Gigabytes', ['SizeInGiB'])).toBe(
      'Overrides.EphemeralStorage.Gigabytes: unknown property — the closest known name is SizeInGiB',
    );
  });

  it('that is no likely typo of a required property leaves that property reported as missing', () => {
    expect(
      problems(parseRunnerProperties({ ServiceToken: serviceToken, ClusterName: 'app', TaskDefinition: 'migrate' })),
    ).toEqual([
      'ClusterName: unknown property — the closest known names are Cluster, Count, PollInterval',
      'Cluster: is required',
    ]);
  });
});
