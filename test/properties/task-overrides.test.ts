import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { overrideEnvironmentValues } from '../../src/properties/task-overrides';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const ROLE = 'arn:aws:iam::123456789012:role/migrate';

/** Overrides whose JSON, as sent to RunTask, is exactly `length` characters. */
function overridesSentAs(length: number): Record<string, unknown> {
  const empty = JSON.stringify({ containerOverrides: [{ name: 'migrate', command: [''] }] }).length;
  return { ContainerOverrides: [{ Name: 'migrate', Command: ['x'.repeat(length - empty)] }] };
}

describe('Overrides at the task level', () => {
  it('sends Cpu and Memory as the strings the API takes, and both role ARNs', () => {
    expect(
      parsed({
        ...base,
        Overrides: {
          Cpu: '1 vCPU',
          Memory: '2 GB',
          TaskRoleArn: ROLE,
          ExecutionRoleArn: 'arn:aws-cn:iam::123456789012:role/exec',
        },
      }).overrides,
    ).toEqual({
      cpu: '1 vCPU',
      memory: '2 GB',
      taskRoleArn: ROLE,
      executionRoleArn: 'arn:aws-cn:iam::123456789012:role/exec',
    });
  });

  it('accepts the camelCase keys at the task level too', () => {
    expect(
      parsed({
        ...base,
        Overrides: { cpu: '256', taskRoleArn: ROLE, executionRoleArn: ROLE, ephemeralStorage: { sizeInGiB: '21' } },
      }).overrides,
    ).toEqual({
      cpu: '256',
      taskRoleArn: ROLE,
      executionRoleArn: ROLE,
      ephemeralStorage: { sizeInGiB: 21 },
    });
  });

  it('refuses role ARNs that are not IAM role ARNs, a key given twice and an unknown key', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            TaskRoleArn: 'migrate',
            ExecutionRoleArn: 'arn:aws:iam::123456789012:user/ci',
            Cpu: '256',
            cpu: '512',
            Image: 'x',
          },
        }),
      ),
    ).toEqual([
      'Overrides.Cpu: is given twice (as Cpu and cpu); keep one',
      'Overrides.Image: unknown property — the closest known names are Cpu, Memory, TaskRoleArn',
      'Overrides.TaskRoleArn: "migrate" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
      'Overrides.ExecutionRoleArn: "arn:aws:iam::123456789012:user/ci" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
    ]);
  });

  it('name a task-level Cpu or Memory that is not a string or a number', () => {
    expect(problems(parseRunnerProperties({ ...base, Overrides: { Cpu: { vCPU: 1 }, Memory: ['2 GB'] } }))).toEqual([
      'Overrides.Cpu: must be a string, got an object',
      'Overrides.Memory: must be a string, got a list',
    ]);
  });

  it('must be an object, and ContainerOverrides a list', () => {
    expect(problems(parseRunnerProperties({ ...base, Overrides: '{"containerOverrides":[]}' }))).toEqual([
      'Overrides: must be an object (a map of properties), got "{\\"containerOverrides\\":[]}"',
    ]);
    expect(
      problems(parseRunnerProperties({ ...base, Overrides: { ContainerOverrides: { Name: 'migrate' } } })),
    ).toEqual(['Overrides.ContainerOverrides: must be a list, got an object']);
  });

  it('are sent up to 8192 characters and refused at 8193, with the size', () => {
    expect(JSON.stringify(parsed({ ...base, Overrides: overridesSentAs(8192) }).overrides)).toHaveLength(8192);
    expect(problems(parseRunnerProperties({ ...base, Overrides: overridesSentAs(8193) }))).toEqual([
      'Overrides: is 8193 characters as sent to RunTask; ECS accepts at most 8192 — move long values into the task definition',
    ]);
  });
});

describe('Overrides.ContainerOverrides', () => {
  it('reads each container with its numbers coerced, at the ends of their ranges', () => {
    expect(
      parsed({
        ...base,
        Overrides: {
          ContainerOverrides: [
            { Name: 'a', Cpu: '0', Memory: '6', MemoryReservation: '6' },
            { Name: 'b', Cpu: '196608', Memory: '1048576', MemoryReservation: '1048576' },
          ],
        },
      }).overrides,
    ).toEqual({
      containerOverrides: [
        { name: 'a', cpu: 0, memory: 6, memoryReservation: 6 },
        { name: 'b', cpu: 196608, memory: 1048576, memoryReservation: 1048576 },
      ],
    });
  });

  it('refuses numbers past those ends, with their units', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            ContainerOverrides: [
              { Name: 'a', Cpu: '196609', Memory: '5', MemoryReservation: '1048577' },
              { Name: 'b', Cpu: '-1' },
            ],
          },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].Cpu: "196609" is not a whole number from 0 to 196608 CPU units',
      'Overrides.ContainerOverrides[0].Memory: "5" is not a whole number from 6 to 1048576 MiB',
      'Overrides.ContainerOverrides[0].MemoryReservation: "1048577" is not a whole number from 6 to 1048576 MiB',
      'Overrides.ContainerOverrides[1].Cpu: "-1" is not a whole number from 0 to 196608 CPU units',
    ]);
  });

  it('needs a container name, and refuses an entry that is not an object', () => {
    expect(
      problems(
        parseRunnerProperties({ ...base, Overrides: { ContainerOverrides: [{ Command: ['migrate'] }, 'migrate'] } }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].Name: is required',
      'Overrides.ContainerOverrides[1]: must be an object (a map of properties), got "migrate"',
    ]);
  });

  it('sends the valid containers and names a repeated one only once per repetition', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            ContainerOverrides: [{ Name: 'a' }, { Name: 'b' }, { Name: 'a' }, { Name: 'b' }, { Name: 'c' }],
          },
        }),
      ),
    ).toEqual(['Overrides.ContainerOverrides: overrides container a, b more than once']);
  });

  it('takes a command of up to 1000 arguments, each a string', () => {
    const command = Array.from({ length: 1000 }, (_, i) => String(i));
    expect(
      parsed({ ...base, Overrides: { ContainerOverrides: [{ Name: 'a', Command: command }] } }).overrides
        ?.containerOverrides?.[0]?.command,
    ).toEqual(command);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            ContainerOverrides: [
              { Name: 'a', Command: [...command, 'one-more'] },
              { Name: 'b', Command: 'migrate up' },
            ],
          },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].Command: has 1001 entries; 0 to 1000 are allowed',
      'Overrides.ContainerOverrides[1].Command: must be a list, got "migrate up"',
    ]);
  });
});

describe('Overrides.ContainerOverrides[].Environment', () => {
  it('sends names and values as strings, an empty value included', () => {
    expect(
      parsed({
        ...base,
        Overrides: {
          ContainerOverrides: [
            {
              Name: 'a',
              Environment: [
                { Name: 'RETRIES', Value: 3 },
                { Name: 'EMPTY', Value: '' },
              ],
            },
          ],
        },
      }).overrides,
    ).toEqual({
      containerOverrides: [
        {
          name: 'a',
          environment: [
            { name: 'RETRIES', value: '3' },
            { name: 'EMPTY', value: '' },
          ],
        },
      ],
    });
  });

  it('needs a name and a value in each entry, and each entry to be an object', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          Overrides: {
            ContainerOverrides: [
              {
                Name: 'a',
                Environment: [{ Name: 'A' }, { Value: 'b' }, 'C=d', { Name: 'D', Value: 'e', Secret: true }],
              },
            ],
          },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].Environment[0].Value: is required',
      'Overrides.ContainerOverrides[0].Environment[1].Name: is required',
      'Overrides.ContainerOverrides[0].Environment[2]: must be an object (a map of properties), got "C=d"',
      'Overrides.ContainerOverrides[0].Environment[3].Secret: unknown property — the closest known names are Name, Value',
    ]);
    expect(
      problems(
        parseRunnerProperties({ ...base, Overrides: { ContainerOverrides: [{ Name: 'a', Environment: { A: 'b' } }] } }),
      ),
    ).toEqual(['Overrides.ContainerOverrides[0].Environment: must be a list, got an object']);
  });
});

describe('the environment values of the overrides', () => {
  it('are every non-empty value of every container, to be masked', () => {
    const overrides = parsed({
      ...base,
      Overrides: {
        ContainerOverrides: [
          {
            Name: 'a',
            Environment: [
              { Name: 'PASSWORD', Value: 's3cret' },
              { Name: 'EMPTY', Value: '' },
            ],
          },
          { Name: 'b' },
          { Name: 'c', Environment: [{ Name: 'TOKEN', Value: 'abc' }] },
        ],
      },
    }).overrides;
    expect(overrideEnvironmentValues(overrides)).toEqual(['s3cret', 'abc']);
  });

  it('are none without overrides or containers', () => {
    expect(overrideEnvironmentValues(undefined)).toEqual([]);
    expect(overrideEnvironmentValues({ cpu: '256' })).toEqual([]);
  });
});
