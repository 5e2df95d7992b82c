import { App, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { EcsTaskRunnerFindings } from '../lib';
import { TodobackendStack } from './todobackend-stack';

export const EXAMPLE_STACK_NAME = 'todobackend';

/**
 * The example app, checked by cdk-nag's AwsSolutions pack: synthesis throws, with the report, on any finding that
 * is not acknowledged with its justification. Every finding comes from the runner, whose reasons the package
 * records (`EcsTaskRunnerFindings`). `acknowledge: false` leaves every finding in (the tests read them).
 */
export function synthesizeExample(
  outdir: string,
  options: { acknowledge?: boolean } = {},
): { assembly: CloudAssembly; stack: TodobackendStack } {
  const app = new App({ outdir });
  const stack = new TodobackendStack(app, EXAMPLE_STACK_NAME);
  if (options.acknowledge !== false) EcsTaskRunnerFindings.acknowledge(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { assembly: app.synth(), stack };
}
