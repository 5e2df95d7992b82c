import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { parsed, problems } from '../support/properties';

const base = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  Cluster: 'app',
  TaskDefinition: 'migrate',
};
const onEc2 = { ...base, LaunchType: 'EC2' };
const onFargate = { ...base, LaunchType: 'FARGATE' };

function container(fields: Record<string, unknown>): Record<string, unknown> {
  return { Overrides: { ContainerOverrides: [{ Name: 'migrate', ...fields }] } };
}

/** The container overrides sent to RunTask for one container given these ResourceRequirements. */
function containerOverridesWith(launch: Record<string, unknown>, requirements: Record<string, unknown>[]) {
  return parsed({ ...launch, ...container({ ResourceRequirements: requirements }) }).overrides?.containerOverrides;
}

describe('Overrides.EphemeralStorage', () => {
  it('takes 21 and 200 GiB on Fargate, as numbers', () => {
    expect(parsed({ ...onFargate, Overrides: { EphemeralStorage: { SizeInGiB: '21' } } }).overrides).toEqual({
      ephemeralStorage: { sizeInGiB: 21 },
    });
    expect(parsed({ ...onFargate, Overrides: { EphemeralStorage: { SizeInGiB: '200' } } }).overrides).toEqual({
      ephemeralStorage: { sizeInGiB: 200 },
    });
  });

  it('refuses 201 GiB, a missing size, unknown keys and a value that is not an object', () => {
    expect(
      problems(parseRunnerProperties({ ...onFargate, Overrides: { EphemeralStorage: { SizeInGiB: '201' } } })),
    ).toEqual(['Overrides.EphemeralStorage.SizeInGiB: "201" is not a whole number from 21 to 200 GiB']);
    expect(problems(parseRunnerProperties({ ...onFargate, Overrides: { EphemeralStorage: {} } }))).toEqual([
      'Overrides.EphemeralStorage.SizeInGiB: is required: 21 to 200 GiB',
    ]);
    expect(problems(parseRunnerProperties({ ...onFargate, Overrides: { EphemeralStorage: { Size: '30' } } }))).toEqual([
      'Overrides.EphemeralStorage.Size: unknown property — the closest known name is SizeInGiB',
      'Overrides.EphemeralStorage.SizeInGiB: is required: 21 to 200 GiB',
    ]);
    expect(problems(parseRunnerProperties({ ...onFargate, Overrides: { EphemeralStorage: '30' } }))).toEqual([
      'Overrides.EphemeralStorage: must be an object (a map of properties), got "30"',
    ]);
  });

  it('is allowed with an all-Fargate strategy and when the cluster default decides', () => {
    expect(
      parsed({
        ...base,
        CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT' }],
        Overrides: { EphemeralStorage: { SizeInGiB: '50' } },
      }).overrides,
    ).toEqual({
      ephemeralStorage: { sizeInGiB: 50 },
    });
    expect(parsed({ ...base, Overrides: { EphemeralStorage: { SizeInGiB: '50' } } }).overrides).toEqual({
      ephemeralStorage: { sizeInGiB: 50 },
    });
  });
});

describe('Overrides.ContainerOverrides[].ResourceRequirements', () => {
  it('take ALL GPUs, and an inference accelerator on Fargate', () => {
    expect(
      parsed({ ...onEc2, ...container({ resourceRequirements: [{ type: 'GPU', value: 'ALL' }] }) }).overrides,
    ).toEqual({
      containerOverrides: [{ name: 'migrate', resourceRequirements: [{ type: 'GPU', value: 'ALL' }] }],
    });
    expect(
      parsed({
        ...onFargate,
        ...container({ ResourceRequirements: [{ Type: 'InferenceAccelerator', Value: 'device 1' }] }),
      }).overrides,
    ).toEqual({
      containerOverrides: [
        { name: 'migrate', resourceRequirements: [{ type: 'InferenceAccelerator', value: 'device 1' }] },
      ],
    });
  });

  it('take a count of GPUs of more than one digit, and a fraction of one', () => {
    expect(containerOverridesWith(onEc2, [{ Type: 'GPU', Value: '16' }])).toEqual([
      { name: 'migrate', resourceRequirements: [{ type: 'GPU', value: '16' }] },
    ]);
    expect(containerOverridesWith(onEc2, [{ Type: 'GPU', Value: '0.25' }])).toEqual([
      { name: 'migrate', resourceRequirements: [{ type: 'GPU', value: '0.25' }] },
    ]);
  });

  it('take GPUs when the cluster default decides where the tasks run', () => {
    expect(containerOverridesWith(base, [{ Type: 'GPU', Value: '1' }])).toEqual([
      { name: 'migrate', resourceRequirements: [{ type: 'GPU', value: '1' }] },
    ]);
  });

  it('refuse a type listed twice (naming each such type), a missing value or type, and GPU counts that are not numbers', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          ...container({
            ResourceRequirements: [
              { Type: 'GPU', Value: '1' },
              { Type: 'GPU', Value: '2' },
            ],
          }),
        }),
      ),
    ).toEqual(['Overrides.ContainerOverrides[0].ResourceRequirements: lists GPU more than once']);
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          ...container({
            ResourceRequirements: [
              { Type: 'GPU', Value: '1' },
              { Type: 'InferenceAccelerator', Value: 'd1' },
              { Type: 'GPU', Value: '2' },
              { Type: 'InferenceAccelerator', Value: 'd2' },
            ],
          }),
        }),
      ),
    ).toEqual(['Overrides.ContainerOverrides[0].ResourceRequirements: lists GPU, InferenceAccelerator more than once']);
    expect(
      problems(
        parseRunnerProperties({
          ...onEc2,
          ...container({
            ResourceRequirements: [
              { Type: 'GPU' },
              { Value: '1' },
              { Type: 'GPU', Value: '1 ' },
              { Type: 'GPU', Value: 'all' },
              { Type: 'GPU', Value: '-1' },
              { Type: 'GPU', Value: '0.0' },
            ],
          }),
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].ResourceRequirements[0].Value: is required',
      'Overrides.ContainerOverrides[0].ResourceRequirements[1].Type: is required: one of GPU, InferenceAccelerator',
      'Overrides.ContainerOverrides[0].ResourceRequirements[2].Value: "1 " is not a number of GPUs (e.g. 1, 0.25 or ALL)',
      'Overrides.ContainerOverrides[0].ResourceRequirements[3].Value: "all" is not a number of GPUs (e.g. 1, 0.25 or ALL)',
      'Overrides.ContainerOverrides[0].ResourceRequirements[4].Value: "-1" is not a number of GPUs (e.g. 1, 0.25 or ALL)',
      'Overrides.ContainerOverrides[0].ResourceRequirements[5].Value: "0.0" GPUs: give more than 0',
    ]);
  });

  it('take any device name for an inference accelerator, one that reads as 0 too (the GPU count check is for GPUs)', () => {
    expect(containerOverridesWith(onFargate, [{ Type: 'InferenceAccelerator', Value: '0' }])).toEqual([
      { name: 'migrate', resourceRequirements: [{ type: 'InferenceAccelerator', value: '0' }] },
    ]);
  });

  it('require the value of an inference accelerator, and both fields of an empty requirement', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onFargate,
          ...container({ ResourceRequirements: [{ Type: 'InferenceAccelerator' }, {}] }),
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].ResourceRequirements[0].Value: is required',
      'Overrides.ContainerOverrides[0].ResourceRequirements[1].Type: is required: one of GPU, InferenceAccelerator',
      'Overrides.ContainerOverrides[0].ResourceRequirements[1].Value: is required',
    ]);
  });

  it('name every container that asks Fargate for GPUs', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...onFargate,
          Overrides: {
            ContainerOverrides: [
              { Name: 'train', ResourceRequirements: [{ Type: 'GPU', Value: '1' }] },
              { Name: 'serve', ResourceRequirements: [{ Type: 'InferenceAccelerator', Value: 'd1' }] },
              {
                Name: 'eval',
                ResourceRequirements: [
                  { Type: 'InferenceAccelerator', Value: 'd1' },
                  { Type: 'GPU', Value: '2' },
                ],
              },
            ],
          },
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides: asks for GPUs (train, eval), which Fargate does not offer — use LaunchType EC2 with GPU instances',
    ]);
  });
});

describe('Overrides.ContainerOverrides[].EnvironmentFiles', () => {
  it('take 10 files, the type in any case', () => {
    const files = Array.from({ length: 10 }, (_, i) => ({ Type: 'S3', Value: `arn:aws:s3:::config/${i}.env` }));
    expect(
      parsed({ ...base, ...container({ EnvironmentFiles: files }) }).overrides?.containerOverrides?.[0]
        ?.environmentFiles,
    ).toEqual(Array.from({ length: 10 }, (_, i) => ({ type: 's3', value: `arn:aws:s3:::config/${i}.env` })));
  });

  it('need a type and a value, an object ARN with a key, and .env at the very end', () => {
    expect(
      problems(
        parseRunnerProperties({
          ...base,
          ...container({
            EnvironmentFiles: [
              { Value: 'arn:aws:s3:::config/a.env' },
              { Type: 's3' },
              { Type: 's3', Value: 'arn:aws:s3:::config/' },
              { Type: 's3', Value: 'arn:aws:s3:::config/a.env.bak' },
              { Type: 's3', Value: 'x-arn:aws:s3:::config/a.env' },
              { Type: 's3', Value: 'arn:aws:s3:::config/a.env', Format: 'dotenv' },
            ],
          }),
        }),
      ),
    ).toEqual([
      'Overrides.ContainerOverrides[0].EnvironmentFiles[0].Type: is required: one of s3',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[1].Value: is required',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[2].Value: "arn:aws:s3:::config/" is not an S3 object ARN (arn:aws:s3:::BUCKET/KEY)',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[3].Value: "arn:aws:s3:::config/a.env.bak" does not end in .env, which ECS requires of an environment file',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[4].Value: "x-arn:aws:s3:::config/a.env" is not an S3 object ARN (arn:aws:s3:::BUCKET/KEY)',
      'Overrides.ContainerOverrides[0].EnvironmentFiles[5].Format: unknown property — the closest known names are Type, Value',
    ]);
  });

  it('take an ARN in another partition', () => {
    expect(
      parsed({
        ...base,
        ...container({ EnvironmentFiles: [{ Type: 's3', Value: 'arn:aws-us-gov:s3:::config/prod.env' }] }),
      }).overrides?.containerOverrides?.[0]?.environmentFiles,
    ).toEqual([{ type: 's3', value: 'arn:aws-us-gov:s3:::config/prod.env' }]);
  });
});
