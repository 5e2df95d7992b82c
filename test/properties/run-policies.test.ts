import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { redactProperties } from '../../src/runtime/redact';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};

function problemsOf(properties: Record<string, unknown>): string[] {
  const result = parseRunnerProperties({ ...base, ...properties });
  return result.kind === 'valid' ? [] : result.problems;
}

function parsed(properties: Record<string, unknown>) {
  const result = parseRunnerProperties({ ...base, ...properties });
  if (result.kind === 'invalid') throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  return result.properties;
}

describe('OnDelete', () => {
  it('reads the teardown task definition and its overrides in PascalCase', () => {
    expect(
      parsed({
        OnDelete: {
          TaskDefinition: 'todobackend-teardown:3',
          Overrides: {
            ContainerOverrides: [{ Name: 'migrate', Command: ['python3', 'manage.py', 'flush', '--no-input'] }],
          },
        },
      }).onDelete,
    ).toEqual({
      taskDefinition: 'todobackend-teardown:3',
      overrides: {
        containerOverrides: [{ name: 'migrate', command: ['python3', 'manage.py', 'flush', '--no-input'] }],
      },
    });
  });

  it("defaults to the resource's task definition (and none of its Overrides)", () => {
    const properties = parsed({
      Overrides: { ContainerOverrides: [{ Name: 'migrate', Command: ['migrate'] }] },
      OnDelete: {},
    });
    expect(properties.onDelete).toEqual({});
  });

  it('names problems inside it by their full path', () => {
    expect(
      problemsOf({
        OnDelete: { TaskDefiniton: 'x', Overrides: { ContainerOverrides: [{ Name: 'migrate', Memory: 'lots' }] } },
      }),
    ).toEqual([
      'OnDelete.TaskDefiniton: unknown property — did you mean TaskDefinition?',
      'OnDelete.Overrides.ContainerOverrides[0].Memory: "lots" is not a whole number from 6 to 1048576 MiB',
    ]);
    expect(problemsOf({ OnDelete: 'teardown' })).toEqual([
      'OnDelete: must be an object (a map of properties), got "teardown"',
    ]);
    expect(problemsOf({ OnDelete: { TaskDefinition: { Ref: 'Teardown' } } })).toEqual([
      'OnDelete.TaskDefinition: must be a string, got an object',
    ]);
  });

  it("keeps the teardown's environment values out of the logs", () => {
    const redacted = redactProperties({
      ...base,
      OnDelete: {
        Overrides: {
          ContainerOverrides: [{ Name: 'migrate', Environment: [{ Name: 'DB_PASSWORD', Value: 's3cr3t' }] }],
        },
      },
    });
    expect(JSON.stringify(redacted)).not.toContain('s3cr3t');
    expect(JSON.stringify(redacted)).toContain('DB_PASSWORD');
  });
});

describe('Outputs', () => {
  it('reads a list of names', () => {
    expect(parsed({ Outputs: ['SchemaVersion', 'TenantId'] }).outputs).toEqual(['SchemaVersion', 'TenantId']);
  });

  it('refuses names that are not letters and digits, repeated names and more than 20', () => {
    expect(problemsOf({ Outputs: ['schema_version'] })).toEqual([
      'Outputs[0]: "schema_version" is not an output name: use 1 to 64 letters and digits',
    ]);
    expect(problemsOf({ Outputs: ['A', 'A'] })).toEqual(['Outputs: lists A more than once']);
    expect(problemsOf({ Outputs: Array.from({ length: 21 }, (_, i) => `Out${i}`) })).toEqual([
      'Outputs: has 21 entries; 1 to 20 are allowed',
    ]);
    expect(problemsOf({ Outputs: 'SchemaVersion' })).toEqual(['Outputs: must be a list, got "SchemaVersion"']);
  });

  it('refuses the name of a built-in attribute, in any case', () => {
    expect(problemsOf({ Outputs: ['ExitCode', 'taskarn', 'Version'] })).toEqual([
      'Outputs: ExitCode, taskarn are names of built-in attributes (TaskArn, TaskArns, TaskId, ExitCode, StopCode, StoppedReason, Attempts); choose another name',
    ]);
    expect(problemsOf({ Outputs: ['Version', 'stopcode'] })).toEqual([
      'Outputs: stopcode is the name of a built-in attribute (TaskArn, TaskArns, TaskId, ExitCode, StopCode, StoppedReason, Attempts); choose another name',
    ]);
  });
});

describe('StartRetries and IfRunning', () => {
  it('default to no retry and to waiting for an earlier run', () => {
    expect(parsed({})).toMatchObject({ startRetries: 0, ifRunning: 'Wait' });
  });

  it('read the values CloudFormation sends as strings', () => {
    expect(parsed({ StartRetries: '5', IfRunning: 'stop' })).toMatchObject({ startRetries: 5, ifRunning: 'Stop' });
  });

  it('refuse values out of range, naming what is allowed', () => {
    expect(problemsOf({ StartRetries: '6', IfRunning: 'Skip' })).toEqual([
      'StartRetries: "6" is not a whole number from 0 to 5 (retries of a task that failed to start)',
      'IfRunning: "Skip" is not one of Wait, Stop, Fail',
    ]);
  });
});

describe('Tags', () => {
  it("leave room for the runner's own tags, and may not use their keys", () => {
    expect(problemsOf({ Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })).toEqual([
      'Tags: has 50 tags; at most 46 are allowed (a task takes 50, and the runner adds 4 of its own: ecs-task-runner:request, ecs-task-runner:resource, ecs-task-runner:deadline, ecs-task-runner:stack)',
    ]);
    expect(problemsOf({ Tags: [{ Key: 'ecs-task-runner:request', Value: 'x' }] })).toEqual([
      'Tags[0].Key: "ecs-task-runner:request" is reserved for the runner (the request a task belongs to)',
    ]);
    expect(problemsOf({ Tags: [{ Key: 'ecs-task-runner:resource', Value: 'x' }] })).toEqual([
      'Tags[0].Key: "ecs-task-runner:resource" is reserved for the runner (the resource a task belongs to)',
    ]);
    expect(problemsOf({ Tags: [{ Key: 'ecs-task-runner:deadline', Value: 'x' }] })).toEqual([
      'Tags[0].Key: "ecs-task-runner:deadline" is reserved for the runner (the run\'s deadline, which the scheduled sweep keeps)',
    ]);
    expect(problemsOf({ Tags: [{ Key: 'ecs-task-runner:stack', Value: 'x' }] })).toEqual([
      'Tags[0].Key: "ecs-task-runner:stack" is reserved for the runner (the stack a task belongs to)',
    ]);
  });
});

describe('StartedBy', () => {
  it("refuses the form ECS gives a service's tasks, naming the property and the fix", () => {
    const fix =
      'leave StartedBy out (the runner then uses cfn/<LogicalId>/<hash>) or choose a value that does not start with ecs-svc/';
    expect(problemsOf({ StartedBy: 'ecs-svc/123' })).toEqual([
      `StartedBy: "ecs-svc/123" is the form ECS gives the tasks of a service (ecs-svc/<deployment>): ${fix}`,
    ]);
    expect(problemsOf({ StartedBy: 'ECS-SVC/9876543210987654321' })).toEqual([
      `StartedBy: "ECS-SVC/9876543210987654321" is the form ECS gives the tasks of a service (ecs-svc/<deployment>): ${fix}`,
    ]);
  });

  it('takes a value that only resembles it', () => {
    expect(parsed({ StartedBy: 'ecs-svc' }).startedBy).toBe('ecs-svc');
    expect(parsed({ StartedBy: 'team/ecs-svc/123' }).startedBy).toBe('team/ecs-svc/123');
    expect(parsed({ StartedBy: 'ecs-svc-migrations' }).startedBy).toBe('ecs-svc-migrations');
  });
});
