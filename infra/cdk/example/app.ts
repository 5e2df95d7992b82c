// `npm run synth:cdk`: synthesizes the example into cdk.out/ (offline: no CDK CLI, no AWS account), checked by
// cdk-nag's AwsSolutions pack. Synthesis fails, and the process exits 1, when a check reports a finding that is not
// acknowledged with its justification (nag-suppressions.ts).
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgeJustifiedFindings } from './nag-suppressions';
import { TodobackendStack } from './todobackend-stack';

const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
const stack = new TodobackendStack(app, 'todobackend');
acknowledgeJustifiedFindings(stack);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const assembly = app.synth();
console.log(`Synthesized ${assembly.stacks.map((artifact) => artifact.templateFile).join(', ')} into ${assembly.directory}`);
