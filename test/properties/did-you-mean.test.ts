import { unknownNameProblem } from '../../src/properties/did-you-mean';
import { parseRunnerProperties, type PropertiesResult } from '../../src/properties/runner-properties';

const serviceToken = 'arn:aws:lambda:us-east-1:123456789012:function:runner';

function problems(result: PropertiesResult): string[] {
  return result.ok ? [] : result.problems;
}

describe('an unknown property name', () => {
  it('suggests the one name it is a likely typo of', () => {
    expect(unknownNameProblem('', 'Timeoutt', ['Timeout', 'Triggers', 'Tags'])).toBe('Timeoutt: unknown property — did you mean Timeout?');
  });

  it('suggests every name that is equally close', () => {
    expect(unknownNameProblem('', 'Tag', ['Tags', 'Taga', 'Cluster'])).toBe('Tag: unknown property — did you mean Tags or Taga?');
  });

  it('names the three closest known names, not the whole list, when none is a likely typo', () => {
    const result = problems(parseRunnerProperties({ ServiceToken: serviceToken, Cluster: 'app', TaskDefinition: 'migrate', Foo: '1' }));
    expect(result).toEqual(['Foo: unknown property — the closest known names are Count, Group, Tags']);
  });

  it('is reported once when it is a misspelling of a required property, not again as the missing property', () => {
    expect(problems(parseRunnerProperties({ ServiceToken: serviceToken, cluster: 'app', TaskDefinition: 'migrate' }))).toEqual([
      'cluster: unknown property — did you mean Cluster?',
    ]);
    expect(problems(parseRunnerProperties({ ServiceToken: serviceToken, Cluster: 'app', TaskDefinition: 'migrate', NetworkConfiguration: { AwsvpcConfigurations: { Subnets: ['subnet-1'] } } }))).toEqual([
      'NetworkConfiguration.AwsvpcConfigurations: unknown property — did you mean AwsvpcConfiguration?',
    ]);
  });

  it('still lets a required property be missing when no key was taken for it', () => {
    expect(problems(parseRunnerProperties({ ServiceToken: serviceToken, TaskDefinition: 'migrate', Clusters: 'app', Taskdefinitions: 'x' }))).toEqual([
      'Clusters: unknown property — did you mean Cluster?',
      'Taskdefinitions: unknown property — did you mean TaskDefinition?',
    ]);
    expect(problems(parseRunnerProperties({ ServiceToken: serviceToken, TaskDefinition: 'migrate' }))).toEqual(['Cluster: is required']);
  });
});
