import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const onEc2 = { ...base, LaunchType: 'EC2' };

describe('PlacementConstraints limits', () => {
  it('take 10 constraints and an expression of 2000 characters', () => {
    expect(
      parsed({ ...onEc2, PlacementConstraints: Array.from({ length: 10 }, () => ({ Type: 'distinctInstance' })) })
        .placementConstraints,
    ).toHaveLength(10);
    const expression = `attribute:stack == ${'x'.repeat(2000 - 'attribute:stack == '.length)}`;
    expect(
      parsed({ ...onEc2, PlacementConstraints: [{ Type: 'memberOf', Expression: expression }] }).placementConstraints,
    ).toEqual([{ type: 'memberOf', expression }]);
  });

  it('take a type in any case and an empty expression on distinctInstance', () => {
    expect(
      parsed({
        ...onEc2,
        PlacementConstraints: [
          { Type: 'DISTINCTINSTANCE', Expression: '' },
          { Type: 'memberof', Expression: 'agentConnected==true' },
        ],
      }).placementConstraints,
    ).toEqual([{ type: 'distinctInstance' }, { type: 'memberOf', expression: 'agentConnected==true' }]);
  });

  it('refuse a list that is not one, and an entry that is not an object', () => {
    expect(problems(parseRunnerProperties({ ...onEc2, PlacementConstraints: { Type: 'distinctInstance' } }))).toEqual([
      'PlacementConstraints: must be a list, got an object',
    ]);
    expect(problems(parseRunnerProperties({ ...onEc2, PlacementConstraints: ['distinctInstance'] }))).toEqual([
      'PlacementConstraints[0]: must be an object (a map of properties), got "distinctInstance"',
    ]);
  });

  it('say once that an expression that is not a string is wrong, not again that it is missing', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          PlacementConstraints: [{ Type: 'memberOf', Expression: { 'Fn::Sub': 'x' } }],
        }),
      ),
    ).toEqual(['PlacementConstraints[0].Expression: must be a string, got an object']);
  });
});

describe('PlacementStrategy fields', () => {
  it('take spread by instanceId or host, and binpack by cpu in any case', () => {
    expect(
      parsed({
        ...onEc2,
        PlacementStrategy: [
          { Type: 'spread', Field: 'instanceId' },
          { Type: 'Spread', Field: 'host' },
          { Type: 'binpack', Field: 'CPU' },
          { Type: 'random', Field: '' },
          { Type: 'random' },
        ],
      }).placementStrategy,
    ).toEqual([
      { type: 'spread', field: 'instanceId' },
      { type: 'spread', field: 'host' },
      { type: 'binpack', field: 'cpu' },
      { type: 'random' },
      { type: 'random' },
    ]);
  });

  it('refuse a spread field around an otherwise valid one, an empty spread field, and a missing binpack field', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          PlacementStrategy: [
            { Type: 'spread', Field: 'hostname' },
            { Type: 'spread', Field: 'my-instanceId' },
            { Type: 'spread', Field: 'attribute:' },
            { Type: 'spread', Field: '' },
            { Type: 'binpack' },
          ],
        }),
      ),
    ).toEqual([
      'PlacementStrategy[0].Field: "hostname" is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
      'PlacementStrategy[1].Field: "my-instanceId" is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
      'PlacementStrategy[2].Field: "attribute:" is not instanceId, host or an attribute (e.g. attribute:ecs.availability-zone)',
      'PlacementStrategy[3].Field: is required for spread: instanceId, host or an attribute such as attribute:ecs.availability-zone',
      'PlacementStrategy[4].Field: is required: one of cpu, memory',
    ]);
  });

  it('refuse a rule without a type, rather than leave it out', () => {
    expect(problems(parseRunnerProperties({ ...onEc2, PlacementStrategy: [{ Field: 'cpu' }, { Type: '' }] }))).toEqual([
      'PlacementStrategy[0].Type: is required: one of random, spread, binpack',
      'PlacementStrategy[1].Type: is required: one of random, spread, binpack',
    ]);
  });

  it('take 5 rules, and name unknown keys', () => {
    expect(
      parsed({ ...onEc2, PlacementStrategy: Array.from({ length: 5 }, () => ({ Type: 'random' })) }).placementStrategy,
    ).toHaveLength(5);
    expect(
      problems(
        parseRunnerProperties({ ...onEc2, PlacementStrategy: [{ Type: 'binpack', Field: 'memory', Feild: 'cpu' }] }),
      ),
    ).toEqual(['PlacementStrategy[0].Feild: unknown property — did you mean Field?']);
  });
});
