import { CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { EcsRunTask } from '../lib';

/**
 * The migration of `infra/stack.yml`, in the CDK: private subnets behind a NAT gateway, a cluster, the migrate and
 * application task definitions, and a Fargate service that rolls out only once `python3 manage.py migrate` exited 0
 * (and again for every new image tag). The load balancer and database of the YAML sample are left out: they do not
 * change how the migration is wired.
 */
export class TodobackendStack extends Stack {
  readonly migrate: EcsRunTask;
  readonly service: ecs.FargateService;
  readonly migrateTaskDefinition: ecs.FargateTaskDefinition;
  readonly taskLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const imageId = new CfnParameter(this, 'ApplicationImageId', {
      description: 'Image repository of todobackend, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend',
      default: 'public.ecr.aws/docker/library/python',
    });
    const imageTag = new CfnParameter(this, 'ApplicationImageTag', {
      description: 'Image tag to run. A new tag runs the database migration again before the service rolls out.',
      default: 'latest',
    });
    const image = ecs.ContainerImage.fromRegistry(`${imageId.valueAsString}:${imageTag.valueAsString}`);

    // Tasks in the private subnets pull images and ship logs through the NAT gateway.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogGroup', { retention: logs.RetentionDays.ONE_MONTH }),
      ),
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    // An inline egress list replaces the allow-all rule: DNS, and HTTPS through the NAT gateway.
    const tasksGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'todobackend tasks (application and migrations)',
      allowAllOutbound: false,
    });
    tasksGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.udp(53), 'DNS');
    tasksGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS, through the NAT gateway (ECR, S3, CloudWatch Logs)',
    );

    const taskLogGroup = new logs.LogGroup(this, 'TaskLogGroup', { retention: logs.RetentionDays.ONE_MONTH });
    this.taskLogGroup = taskLogGroup;

    const migrateTaskDefinition = new ecs.FargateTaskDefinition(this, 'MigrateTaskDefinition', {
      cpu: 256,
      memoryLimitMiB: 512,
    });
    this.migrateTaskDefinition = migrateTaskDefinition;
    // The command comes from the runner's overrides, so the stack shows what runs.
    migrateTaskDefinition.addContainer('migrate', {
      containerName: 'migrate',
      image,
      logging: ecs.LogDrivers.awsLogs({ logGroup: taskLogGroup, streamPrefix: 'migrate' }),
    });

    const applicationTaskDefinition = new ecs.FargateTaskDefinition(this, 'ApplicationTaskDefinition', {
      cpu: 256,
      memoryLimitMiB: 512,
    });
    applicationTaskDefinition.addContainer('todobackend', {
      containerName: 'todobackend',
      image,
      portMappings: [{ containerPort: 8000 }],
      logging: ecs.LogDrivers.awsLogs({ logGroup: taskLogGroup, streamPrefix: 'todobackend' }),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: applicationTaskDefinition,
      desiredCount: 2,
      securityGroups: [tasksGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      circuitBreaker: { rollback: true },
      minHealthyPercent: 50,
    });

    this.migrate = new EcsRunTask(this, 'Migrate', {
      service: this.service,
      taskDefinition: migrateTaskDefinition,
      overrides: {
        containerOverrides: [{ containerName: 'migrate', command: ['python3', 'manage.py', 'migrate', '--no-input'] }],
      },
      timeout: Duration.minutes(10),
      serviceTimeout: Duration.minutes(15),
      triggers: [imageTag.valueAsString],
    });
    // Only the service waits for the migration: its security group is where the migration runs
    // (`service.node.addDependency(migrate)` would make that group wait too, a cycle).
    this.migrate.executeBefore(this.service);
  }
}
