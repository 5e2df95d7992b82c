import { Annotations, Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { EcsRunTaskProps, TaskOverrides } from './run-task-props';

/** A dynamic reference CloudFormation replaces with a secret's plain value (`SecretValue.secretsManager`, `ssm-secure`). */
const SECRET_REFERENCE = /\{\{resolve:(secretsmanager|ssm-secure):/;

/**
 * Warns (`cdk synth` prints it; `--strict` fails on it) for each `environment` value that is a secret unwrapped into
 * a string: CloudFormation resolves it into the resource's properties, so the request the runner gets, the task's
 * overrides (DescribeTasks) and the runner's view of them hold the plain value. The container's `secrets` in the
 * task definition keep it out of all three.
 */
export function warnOfSecretsInEnvironment(scope: IConstruct, props: EcsRunTaskProps): void {
  const places: [string, TaskOverrides | undefined][] = [
    ['overrides', props.overrides],
    ['onDelete.overrides', props.onDelete?.overrides],
  ];
  for (const [prop, overrides] of places) {
    (overrides?.containerOverrides ?? []).forEach((container, index) => {
      for (const [name, value] of Object.entries(container.environment ?? {})) {
        if (!Token.isUnresolved(value) || !SECRET_REFERENCE.test(JSON.stringify(Stack.of(scope).resolve(value))))
          continue;
        Annotations.of(scope).addWarningV2(
          '@ecs-task-runner/cdk:secretInEnvironment',
          `${prop}.containerOverrides[${index}].environment.${name} is a secret (a {{resolve:…}} dynamic reference): CloudFormation writes its plain value into the resource's properties, the runner's request and the task's overrides. Give it to the container as a secret of the task definition instead (\`secrets: { ${name}: ecs.Secret.fromSecretsManager(secret) }\`).`,
        );
      }
    });
  }
}
