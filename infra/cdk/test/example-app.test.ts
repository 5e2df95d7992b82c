import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { CustomResource, type TemplateValue } from '../../../scripts/local/cloudformation';
import { describeWithMoto, expectAnswer } from '../../../test/integration/moto-suite';
import { EXAMPLE_STACK_NAME, synthesizeExample } from '../example/synthesize';
import { RESOURCE_TYPE } from '../lib';
import { MotoDeployment } from './support/moto-deployment';
import { onlyResource, scalarText, type SynthesizedTemplate } from './support/template-values';

const IN_CI = process.env.CI === 'true';

// One synthesis (as `npm run synth:cdk` writes it) for every test here; a second one without the acknowledgements,
// for the findings they answer.
const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-example-'));
const { assembly, stack } = synthesizeExample(outdir);
const templateFile = assembly.getStackByName(EXAMPLE_STACK_NAME).templateFullPath;
const template = assembly.getStackByName(EXAMPLE_STACK_NAME).template as SynthesizedTemplate;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the example CDK app', () => {
  const migrate = onlyResource(template, RESOURCE_TYPE);
  const service = onlyResource(template, 'AWS::ECS::Service');

  it('rolls the service out only after the migration, which runs only once the runner may run it', () => {
    expect(service.dependsOn).toContain(migrate.logicalId);
    expect(migrate.dependsOn).toContain(stack.getLogicalId(stack.migrate.policy?.node.defaultChild as CfnElement));
  });

  it('runs the migration as infra/stack.yml does: in the service’s private subnets and security group, again for each image tag', () => {
    expect(migrate.properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^EcsTaskRunnerFunction/), 'Arn'] },
      ServiceTimeout: '900',
      Cluster: { 'Fn::GetAtt': [(service.properties.Cluster as { Ref: string }).Ref, 'Arn'] },
      TaskDefinition: { Ref: stack.getLogicalId(stack.migrateTaskDefinition.node.defaultChild as CfnElement) },
      NetworkConfiguration: service.properties.NetworkConfiguration,
      LaunchType: 'FARGATE',
      Overrides: {
        ContainerOverrides: [{ Name: 'migrate', Command: ['python3', 'manage.py', 'migrate', '--no-input'] }],
      },
      Timeout: 600,
      RerunOn: 'TaskChange',
      Triggers: [{ Ref: 'ApplicationImageTag' }],
    });
    expect(service.properties.NetworkConfiguration).toEqual({
      AwsvpcConfiguration: {
        AssignPublicIp: 'DISABLED',
        SecurityGroups: [{ 'Fn::GetAtt': [expect.stringMatching(/^TaskSecurityGroup/), 'GroupId'] }],
        Subnets: [
          { Ref: expect.stringMatching(/^VpcprivateSubnet1/) },
          { Ref: expect.stringMatching(/^VpcprivateSubnet2/) },
        ],
      },
    });
  });

  it('passes cdk-nag’s AwsSolutions checks: synthesis fails on a finding that is not acknowledged with a reason', () => {
    const acknowledged = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      )
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      // Stored under a namespace (`Annotation::`); the CDK's own constructs acknowledge CloudFormation-Validate rules.
      .map(([id, reason]) => [id.replace(/^[A-Za-z-]+::/, ''), reason] as const)
      .filter(([id]) => id.startsWith('AwsSolutions-'));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(40);

    const bare = mkdtempSync(path.join(tmpdir(), 'cdk-example-bare-'));
    try {
      expect(() => synthesizeExample(bare, { acknowledge: false })).toThrow(/AwsSolutions-/);
      const report = JSON.parse(readFileSync(path.join(bare, 'validation-report.json'), 'utf8')) as {
        pluginReports: { violations: { ruleName: string; violatingConstructs: unknown[] }[] }[];
      };
      // One finding per construct a rule flags (two queues may break the same rule).
      const findings = report.pluginReports.flatMap((plugin) =>
        plugin.violations.flatMap((violation) => violation.violatingConstructs.map(() => violation.ruleName)),
      );
      // Each acknowledgement answers a finding, and each finding has one: none is stale, none is missing.
      expect(acknowledged.map(([id]) => id).sort()).toEqual(findings.sort());
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  const lintTest = cfnLint() || IN_CI ? it : it.skip;
  lintTest(
    'is a template cfn-lint finds nothing in',
    () => {
      const command = cfnLint();
      if (!command)
        throw new Error(
          'cfn-lint is not installed: install it with `pip install cfn-lint` (CI must lint the synthesized templates)',
        );
      const [executable, ...args] = command;
      const result = spawnSync(executable, [...args, templateFile], { encoding: 'utf8' });
      expect({ status: result.status, output: `${result.stdout}${result.stderr}`.trim() }).toEqual({
        status: 0,
        output: '',
      });
    },
    120_000,
  );
});

describeWithMoto(
  'the example CDK app’s migration, run by the built runner against moto',
  { taskTransition: { progression: 'immediate' } },
  (environment) => {
    it('runs to SUCCESS with the properties the example synthesizes, its references resolved to the resources it names', async () => {
      const env = environment();
      const migrate = onlyResource(template, RESOURCE_TYPE);
      const { ServiceToken, ...properties } = migrate.properties;
      expect(template.Resources[(ServiceToken as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]]?.Type).toBe(
        'AWS::Lambda::Function',
      );
      const deployment = new MotoDeployment(template, env);
      const resolved = (await deployment.resolve(properties)) as Record<string, TemplateValue>;
      const resource = new CustomResource(migrate.logicalId, env.simulation);

      const created = expectAnswer(await resource.create(resolved), 'SUCCESS');

      expect(created.Data).toMatchObject({ ExitCode: '0', TaskArn: expect.stringMatching(/^arn:aws:ecs:/) });
      const cluster = scalarText(resolved.Cluster);
      const { tasks } = await env.clients.ecs.send(
        new DescribeTasksCommand({ cluster, tasks: [String(created.Data?.TaskArn)] }),
      );
      const task = tasks?.[0];
      expect(task?.clusterArn).toBe(cluster);
      expect(task?.taskDefinitionArn).toBe(resolved.TaskDefinition);
      expect(task?.overrides?.containerOverrides).toEqual([
        expect.objectContaining({ name: 'migrate', command: ['python3', 'manage.py', 'migrate', '--no-input'] }),
      ]);
      const eniId = task?.attachments
        ?.flatMap((attachment) => attachment.details ?? [])
        .find((detail) => detail.name === 'networkInterfaceId')?.value;
      const { NetworkInterfaces } = await env.clients.ec2.send(
        new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [String(eniId)] }),
      );
      const awsvpc = (
        resolved.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: string[]; SecurityGroups: string[] } }
      ).AwsvpcConfiguration;
      expect(awsvpc.Subnets).toContain(NetworkInterfaces?.[0]?.SubnetId);
      expect(NetworkInterfaces?.[0]?.Groups?.map((group) => group.GroupId)).toEqual(awsvpc.SecurityGroups);

      expectAnswer(await resource.delete(), 'SUCCESS');
    }, 60_000);
  },
);

/** `cfn-lint`, or the Python entry point it calls; undefined when neither runs. */
function cfnLint(): [string, ...string[]] | undefined {
  const candidates: [string, ...string[]][] = [
    ['cfn-lint'],
    ['python3', '-c', 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())'],
  ];
  return candidates.find(
    ([command, ...args]) => spawnSync(command, [...args, '--version'], { encoding: 'utf8' }).status === 0,
  );
}
