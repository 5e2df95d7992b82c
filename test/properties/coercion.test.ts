import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

// Every scalar as CloudFormation delivers it: a string.
const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};

describe('numbers CloudFormation sends as strings', () => {
  it('accept the ends of each range, as numbers', () => {
    expect(
      parsed({ ...base, Count: '10', Timeout: '3600', ServiceTimeout: '1', PollInterval: '300', LogLines: '50' }),
    ).toMatchObject({
      count: 10,
      timeoutSeconds: 3600,
      serviceTimeoutSeconds: 1,
      pollIntervalSeconds: 300,
      logLines: 50,
    });
    expect(
      parsed({ ...base, Count: '1', Timeout: '1', ServiceTimeout: '3600', PollInterval: '1', LogLines: '0' }),
    ).toMatchObject({
      count: 1,
      timeoutSeconds: 1,
      serviceTimeoutSeconds: 3600,
      pollIntervalSeconds: 1,
      logLines: 0,
    });
  });

  it('refuse one past each end, naming the property, the range and its unit', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Count: '11',
          Timeout: '0',
          ServiceTimeout: '3601',
          PollInterval: '0.5',
          LogLines: '51',
        }),
      ),
    ).toEqual([
      'Count: "11" is not a whole number from 1 to 10 (RunTask starts at most 10 tasks at once)',
      'Timeout: "0" is not a whole number from 1 to 3600 seconds',
      'ServiceTimeout: "3601" is not a whole number from 1 to 3600 seconds',
      'PollInterval: "0.5" is not a number from 1 to 300 seconds',
      'LogLines: "51" is not a whole number from 0 to 50 lines',
    ]);
    expect(problems(parseRunnerProperties({ ...base, PollInterval: '300.5', LogLines: '-1' }))).toEqual([
      'PollInterval: "300.5" is not a number from 1 to 300 seconds',
      'LogLines: "-1" is not a whole number from 0 to 50 lines',
    ]);
  });

  it('take a fraction with any number of decimals where a number is allowed', () => {
    expect(parsed({ ...base, PollInterval: '2.25' })).toMatchObject({ pollIntervalSeconds: 2.25 });
  });

  it('take a value with blanks around it, or already typed as a number', () => {
    expect(parsed({ ...base, Count: ' 2 ', PollInterval: 2.5, Timeout: 60 })).toMatchObject({
      count: 2,
      pollIntervalSeconds: 2.5,
      timeoutSeconds: 60,
    });
  });

  it('refuse a fraction where a whole number is needed, and anything that is not written as a plain number', () => {
    expect(
      problems(parseRunnerProperties({ ...base, Count: '2.5', Timeout: '1e3', PollInterval: 'x2', LogLines: '2x' })),
    ).toEqual([
      'Count: "2.5" is not a whole number from 1 to 10 (RunTask starts at most 10 tasks at once)',
      'Timeout: "1e3" is not a whole number from 1 to 3600 seconds',
      'PollInterval: "x2" is not a number from 1 to 300 seconds',
      'LogLines: "2x" is not a whole number from 0 to 50 lines',
    ]);
    expect(
      problems(parseRunnerProperties({ ...base, Count: true, Timeout: ['60'], PollInterval: '2.', LogLines: '.5' })),
    ).toEqual([
      'Count: true is not a whole number from 1 to 10 (RunTask starts at most 10 tasks at once)',
      'Timeout: ["60"] is not a whole number from 1 to 3600 seconds',
      'PollInterval: "2." is not a number from 1 to 300 seconds',
      'LogLines: ".5" is not a whole number from 0 to 50 lines',
    ]);
  });

  it('leave an empty string to the default', () => {
    expect(parsed({ ...base, Count: '', PollInterval: '', LogLines: '', Timeout: '' })).toEqual(parsed(base));
  });
});

describe('booleans CloudFormation sends as strings', () => {
  it('read true and false in any case, with blanks around them, or already typed', () => {
    expect(
      parsed({
        ...base,
        RunOnUpdate: ' False ',
        RunOnRollback: 'True',
        StopOnDelete: 'FALSE',
        EnableExecuteCommand: true,
        EnableECSManagedTags: false,
      }),
    ).toMatchObject({
      runOnUpdate: false,
      runOnRollback: true,
      stopOnDelete: false,
      enableExecuteCommand: true,
      enableEcsManagedTags: false,
    });
    expect(parsed({ ...base, RunOnUpdate: 'true', RunOnRollback: 'false', StopOnDelete: ' true ' })).toMatchObject({
      runOnUpdate: true,
      runOnRollback: false,
      stopOnDelete: true,
    });
  });

  it('refuse anything else, quoting it', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          RunOnUpdate: '1',
          RunOnRollback: 'truely',
          StopOnDelete: 0,
          EnableExecuteCommand: 'not true',
          EnableECSManagedTags: {},
        }),
      ),
    ).toEqual([
      'RunOnUpdate: "1" is not true or false',
      'RunOnRollback: "truely" is not true or false',
      'StopOnDelete: 0 is not true or false',
      'EnableExecuteCommand: "not true" is not true or false',
      'EnableECSManagedTags: {} is not true or false',
    ]);
  });

  it('leave an empty string to the default', () => {
    expect(parsed({ ...base, RunOnUpdate: '', RunOnRollback: '', StopOnDelete: '' })).toMatchObject({
      runOnUpdate: true,
      runOnRollback: false,
      stopOnDelete: true,
    });
  });
});

describe('strings', () => {
  it('reach the typed result exactly, with every optional RunTask parameter', () => {
    expect(
      parsed({
        ...base,
        LaunchType: 'FARGATE',
        PlatformVersion: '1.4.0',
        StartedBy: 'cfn/Migrate_1-a',
        Group: 'family:migrate',
        Tags: [{ Key: 'team', Value: 'data' }],
        PropagateTags: 'TASK_DEFINITION',
        EnableExecuteCommand: 'true',
        EnableECSManagedTags: 'true',
        Timeout: '600',
        ServiceTimeout: '900',
      }),
    ).toEqual({
      cluster: 'app',
      taskDefinition: 'migrate',
      count: 1,
      pollIntervalSeconds: 60,
      logLines: 10,
      runOnUpdate: true,
      rerunOn: 'AnyChange',
      runOnRollback: false,
      stopOnDelete: true,
      startRetries: 0,
      ifRunning: 'Wait',
      launchType: 'FARGATE',
      platformVersion: '1.4.0',
      startedBy: 'cfn/Migrate_1-a',
      group: 'family:migrate',
      tags: [{ key: 'team', value: 'data' }],
      propagateTags: 'TASK_DEFINITION',
      enableExecuteCommand: true,
      enableEcsManagedTags: true,
      timeoutSeconds: 600,
      serviceTimeoutSeconds: 900,
    });
  });

  it("take a choice in any case and send the API's spelling", () => {
    expect(
      parsed({
        ...base,
        LaunchType: 'fargate',
        PropagateTags: 'none',
        Subnets: ['subnet-1'],
        AssignPublicIp: 'Enabled',
      }),
    ).toMatchObject({
      launchType: 'FARGATE',
      propagateTags: 'NONE',
      network: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' },
    });
  });

  it('refuse an empty required one, and one that is an object or a list', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Cluster: '',
          TaskDefinition: { Ref: 'Migrate' },
          Group: ['a'],
          LaunchType: '',
        }),
      ),
    ).toEqual([
      'Cluster: is required',
      'TaskDefinition: must be a string, got an object',
      'Group: must be a string, got a list',
    ]);
    expect(problems(parseRunnerProperties({ ...base, PlatformVersion: null }))).toEqual([
      'PlatformVersion: must be a string, got null',
    ]);
  });

  it('take a number or a boolean where a string is wanted, as its text', () => {
    expect(parsed({ ...base, TaskDefinition: 7, Group: true }).taskDefinition).toBe('7');
    expect(parsed({ ...base, TaskDefinition: 7, Group: true }).group).toBe('true');
  });

  it('hold StartedBy to 128 characters of letters, digits, hyphens, slashes and underscores', () => {
    expect(parsed({ ...base, StartedBy: 'a'.repeat(128) }).startedBy).toBe('a'.repeat(128));
    expect(problems(parseRunnerProperties({ ...base, StartedBy: 'a'.repeat(129) }))).toEqual([
      `StartedBy: "${'a'.repeat(129)}" must be 1 to 128 letters, digits, hyphens, slashes or underscores`,
    ]);
    expect(problems(parseRunnerProperties({ ...base, StartedBy: 'cfn.migrate' }))).toEqual([
      'StartedBy: "cfn.migrate" must be 1 to 128 letters, digits, hyphens, slashes or underscores',
    ]);
  });

  it('hold Group to 255 characters', () => {
    expect(parsed({ ...base, Group: 'g'.repeat(255) }).group).toBe('g'.repeat(255));
    expect(problems(parseRunnerProperties({ ...base, Group: 'g'.repeat(256) }))).toEqual([
      'Group: is 256 characters long; at most 255 are allowed',
    ]);
  });
});

describe('properties that are not there', () => {
  it('are read as an empty set: both required properties are named', () => {
    expect(problems(parseRunnerProperties(undefined))).toEqual(['Cluster: is required', 'TaskDefinition: is required']);
  });
});
