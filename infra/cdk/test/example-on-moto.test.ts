import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import { DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { CustomResource, type TemplateValue } from '../../../scripts/local/cloudformation';
import { describeWithMoto, expectAnswer } from '../../../test/integration/moto-suite';
import { EXAMPLE_STACK_NAME, synthesizeExample } from '../example/synthesize';
import { RESOURCE_TYPE } from '../lib';
import { MotoDeployment } from './support/moto-deployment';
import { onlyResource, type SynthesizedTemplate } from './support/template-values';

// The example as `npm run synth:cdk` writes it; its migration is run by the built bundle against moto.
const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-example-moto-'));
const template = synthesizeExample(outdir).assembly.getStackByName(EXAMPLE_STACK_NAME).template as SynthesizedTemplate;
rmSync(outdir, { recursive: true, force: true });

describeWithMoto('the CDK example’s migration, run by the built runner', { taskTransition: { progression: 'immediate' } }, (environment) => {
  it('runs to SUCCESS with the properties the example synthesizes, its references resolved to the resources it names', async () => {
    const env = environment();
    const migrate = onlyResource(template, RESOURCE_TYPE);
    const { ServiceToken, ...properties } = migrate.properties;
    expect(template.Resources[(ServiceToken as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]]?.Type).toBe('AWS::Lambda::Function');
    const deployment = new MotoDeployment(template, env);
    const resolved = (await deployment.resolve(properties)) as Record<string, TemplateValue>;
    const resource = new CustomResource(migrate.logicalId, env.simulation);

    const created = expectAnswer(await resource.create(resolved), 'SUCCESS');

    expect(created.Data).toMatchObject({ ExitCode: '0', TaskArn: expect.stringMatching(/^arn:aws:ecs:/) });
    const cluster = String(resolved.Cluster);
    const { tasks } = await env.clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [String(created.Data?.TaskArn)] }));
    const task = tasks?.[0];
    expect(task?.clusterArn).toBe(cluster);
    expect(task?.taskDefinitionArn).toBe(resolved.TaskDefinition);
    expect(task?.overrides?.containerOverrides).toEqual([expect.objectContaining({ name: 'migrate', command: ['python3', 'manage.py', 'migrate', '--no-input'] })]);
    const eniId = task?.attachments?.flatMap((attachment) => attachment.details ?? []).find((detail) => detail.name === 'networkInterfaceId')?.value;
    const { NetworkInterfaces } = await env.clients.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [String(eniId)] }));
    const awsvpc = (resolved.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: string[]; SecurityGroups: string[] } }).AwsvpcConfiguration;
    expect(awsvpc.Subnets).toContain(NetworkInterfaces?.[0]?.SubnetId);
    expect(NetworkInterfaces?.[0]?.Groups?.map((group) => group.GroupId)).toEqual(awsvpc.SecurityGroups);

    expectAnswer(await resource.delete(), 'SUCCESS');
  }, 60_000);
});
