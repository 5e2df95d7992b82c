import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempFolder } from './support/temp-folder';

/**
 * The package claims `aws-cdk-lib` from the lowest version of its peer range: the example is synthesized here
 * against exactly that version (installed as the `aws-cdk-lib-lowest` alias, a dev dependency of infra/cdk), every
 * other test against the newest the lock file holds. Every `aws-cdk-lib` module the construct and the example load
 * is taken from the alias in this file's module registry.
 */
const LOWEST = (
  JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
    peerDependencies: Record<string, string>;
  }
).peerDependencies['aws-cdk-lib']?.replace(/^\^/, '');

const MODULES = [
  '',
  '/aws-cloudwatch',
  '/aws-cloudwatch-actions',
  '/aws-dynamodb',
  '/aws-ec2',
  '/aws-ecs',
  '/aws-iam',
  '/aws-kms',
  '/aws-lambda',
  '/aws-logs',
  '/aws-sns',
  '/aws-sqs',
  '/package.json',
];
for (const module of MODULES) {
  jest.doMock(`aws-cdk-lib${module}`, () => jest.requireActual<object>(`aws-cdk-lib-lowest${module}`));
}

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
}

describe(`the example, synthesized against the lowest aws-cdk-lib the package claims`, () => {
  let template: Template;
  let version: string;

  beforeAll(async () => {
    version = (await import('aws-cdk-lib/package.json')).version;
    const { App } = await import('aws-cdk-lib');
    const { TodobackendStack } = await import('../example/todobackend-stack');
    const { EcsTaskRunnerFindings } = await import('../lib');
    const app = new App({ outdir: tempFolder('cdk.out-') });
    const stack = new TodobackendStack(app, 'todobackend');
    EcsTaskRunnerFindings.acknowledge(stack);
    template = app.synth().getStackByName('todobackend').template as Template;
  }, 60_000);

  const ofType = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type);

  it('is that version', () => {
    expect(LOWEST).toMatch(/^\d+\.\d+\.\d+$/);
    expect(version).toBe(LOWEST);
  });

  it('synthesizes the migration, its runner and the runner’s permissions', () => {
    expect(ofType('Custom::ECSTaskRunner')).toHaveLength(1);
    expect(ofType('AWS::Lambda::Function')[0]?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      RecursiveLoop: 'Allow',
      LoggingConfig: { LogGroup: expect.anything() },
    });
    const statements = ofType('AWS::IAM::Policy').flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: { Sid?: string }[] }).Statement,
    );
    expect(statements.map((statement) => statement.Sid)).toContain('RunTheTaskDefinitionInTheCluster');
  });

  it('synthesizes the runner’s state table, failed-events destination and alarms', () => {
    expect(ofType('AWS::DynamoDB::Table')[0]?.Properties).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(ofType('AWS::SQS::Queue')[0]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(ofType('AWS::Lambda::EventInvokeConfig')[0]?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(ofType('AWS::CloudWatch::Alarm')).toHaveLength(4);
  });

  it('acknowledges the runner’s cdk-nag findings as cdk-nag 2 reads them, this version having no Validations', () => {
    const suppressions = Object.values(template.Resources).flatMap(
      (resource) =>
        (resource.Metadata?.cdk_nag as { rules_to_suppress?: { id: string; applies_to?: string[] }[] } | undefined)
          ?.rules_to_suppress ?? [],
    );
    expect(suppressions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'AwsSolutions-L1' }),
        expect.objectContaining({ id: 'AwsSolutions-IAM5', applies_to: ['Resource::*'] }),
      ]),
    );
  });
});
