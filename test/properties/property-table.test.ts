import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROPERTY_NAMES } from '../../src/properties/runner-properties';
import { WHAT_RUNS, whatRunsChanged } from '../../src/properties/what-runs';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};

/** The property names an item of docs/properties.md's "What runs" list names, in backticks, outside parentheses (the why). */
function documentedNames(listItem: string): string[] {
  const docs = readFileSync(path.resolve(__dirname, '../../docs/properties.md'), 'utf8');
  const section = docs.slice(docs.indexOf('### What runs'), docs.indexOf('## Attributes'));
  const item = section.split('\n- ').find((line) => line.startsWith(listItem));
  if (item === undefined) throw new Error(`docs/properties.md "What runs" has no item "${listItem}"`);
  const listed = item.replace(/\([^)]*\)/g, '');
  return [...listed.matchAll(/`([A-Za-z]+)`/g)].map((match) => match[1] as string);
}

describe('what runs (RerunOn: TaskChange)', () => {
  it('is documented as the table declares it: every property in one of the two lists of docs/properties.md', () => {
    const counted = documentedNames('Count as what runs:');
    const notCounted = documentedNames('Do not count:');
    expect(counted).toEqual(WHAT_RUNS);
    expect([...counted, ...notCounted].sort()).toEqual([...PROPERTY_NAMES].sort());
  });

  it('an Update changing only what labels the tasks does not run again', () => {
    const labels = {
      Tags: [{ Key: 'team', Value: 'data' }],
      PropagateTags: 'TASK_DEFINITION',
      EnableECSManagedTags: 'true',
      StartedBy: 'migrations',
    };
    for (const [name, value] of Object.entries(labels)) {
      expect([name, whatRunsChanged(base, { ...base, [name]: value })]).toEqual([name, false]);
    }
  });

  it('an Update changing where, what or how many runs, or Triggers, runs again', () => {
    const changes = {
      Subnets: ['subnet-0a'],
      Count: '2',
      Overrides: { ContainerOverrides: [{ Name: 'app', Command: ['migrate'] }] },
      Triggers: { Image: 'repo:1.2.4' },
      EnableExecuteCommand: 'true',
      VolumeConfigurations: [{ Name: 'scratch' }],
    };
    for (const [name, value] of Object.entries(changes)) {
      expect([name, whatRunsChanged(base, { ...base, [name]: value })]).toEqual([name, true]);
    }
  });
});
