// `npm run synth:cdk`: synthesizes the example into cdk.out/ (offline: no CDK CLI, no AWS account), checked by
// cdk-nag's AwsSolutions pack. Synthesis fails, and the process exits 1, when a check reports a finding that is not
// acknowledged with its justification (`EcsTaskRunnerFindings`, in synthesize.ts).
import { synthesizeExample } from './synthesize';

const { assembly } = synthesizeExample(process.env.CDK_OUTDIR ?? 'cdk.out');
console.log(
  `Synthesized ${assembly.stacks.map((artifact) => artifact.templateFile).join(', ')} into ${assembly.directory}`,
);
