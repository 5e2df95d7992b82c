import { SecretValue } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EcsRunTask } from '../lib';
import { smallStack } from './support/small-stack';

const warningsOf = (stack: ReturnType<typeof smallStack>['stack']) =>
  Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('is a secret'));

describe('a secret in a container override’s environment', () => {
  it('is warned of at synthesis, naming the variable and the task definition’s `secrets` instead', () => {
    const { stack, cluster, taskDefinition } = smallStack('SecretInEnvironment');
    const secret = new secretsmanager.Secret(stack, 'DatabasePassword');
    new EcsRunTask(stack, 'Migrate', {
      cluster,
      taskDefinition,
      overrides: {
        containerOverrides: [
          {
            containerName: 'migrate',
            environment: { MODE: 'strict', DB_PASSWORD: secret.secretValue.unsafeUnwrap() },
          },
        ],
      },
      onDelete: {
        overrides: {
          containerOverrides: [
            { containerName: 'migrate', environment: { TOKEN: SecretValue.ssmSecure('/app/token').unsafeUnwrap() } },
          ],
        },
      },
    });

    const messages = warningsOf(stack).map((warning) => warning.entry.data as string);
    expect(messages).toEqual([
      expect.stringMatching(
        /^overrides\.containerOverrides\[0\]\.environment\.DB_PASSWORD is a secret .*`secrets: \{ DB_PASSWORD: ecs\.Secret\.fromSecretsManager\(secret\) \}`/,
      ),
      expect.stringMatching(/^onDelete\.overrides\.containerOverrides\[0\]\.environment\.TOKEN is a secret/),
    ]);
  });

  it('leaves plain values and other deploy-time values alone', () => {
    const { stack, cluster, taskDefinition } = smallStack('PlainEnvironment');
    new EcsRunTask(stack, 'Migrate', {
      cluster,
      taskDefinition,
      overrides: {
        containerOverrides: [
          { containerName: 'migrate', environment: { MODE: 'strict', CLUSTER: cluster.clusterArn } },
        ],
      },
    });
    expect(warningsOf(stack)).toEqual([]);
  });
});
