import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  AllocateAddressCommand,
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

/** What the sample application stack holds next to its `MigrateTask` (Custom::ECSTaskRunner) resource. */
export interface SampleStack {
  stackName: string;
  stackId: string;
  vpcId: string;
  /** A private subnet: the migrate task's ENI goes here. */
  subnetId: string;
  /** The task's security group. */
  securityGroupId: string;
  cluster: string;
  /** family:revision ARN of the awsvpc task definition whose only container is `migrate`. */
  taskDefinitionArn: string;
}

export interface SampleStackClients {
  ec2: EC2Client;
  ecs: ECSClient;
  cloudFormation: CloudFormationClient;
}

const STACK_NAME = 'migrate-demo';

/**
 * Creates the sample stack's resources directly with the EC2 and ECS APIs (moto's CloudFormation ignores a task
 * definition's NetworkMode), plus a stack of that name, so that the StackId in the requests is one that
 * cloudformation:DescribeStacks knows.
 */
export async function createSampleStack(clients: SampleStackClients, region: string): Promise<SampleStack> {
  const { ec2, ecs, cloudFormation } = clients;
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = required(vpc.Vpc?.VpcId, 'CreateVpc returned no VpcId');
  // awsvpc tasks need DNS hostnames in their VPC.
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: `${region}a` }),
  );
  const subnetId = required(subnet.Subnet?.SubnetId, 'CreateSubnet returned no SubnetId');
  await giveWayOut(ec2, vpcId, subnetId, region);
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      VpcId: vpcId,
      GroupName: `${STACK_NAME}-migrate-task`,
      Description: 'migrate task',
    }),
  );
  await ecs.send(new CreateClusterCommand({ clusterName: STACK_NAME }));
  const definition = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `${STACK_NAME}-migrate`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'migrate',
          image: `123456789012.dkr.ecr.${region}.amazonaws.com/app:1.0.0`,
          command: ['npm', 'run', 'migrate'],
          essential: true,
          memory: 512,
        },
      ],
    }),
  );
  const stack = await cloudFormation.send(
    new CreateStackCommand({
      StackName: STACK_NAME,
      TemplateBody: JSON.stringify({
        Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
      }),
    }),
  );
  return {
    stackName: STACK_NAME,
    stackId: required(stack.StackId, 'CreateStack returned no StackId'),
    vpcId,
    subnetId,
    securityGroupId: required(group.GroupId, 'CreateSecurityGroup returned no GroupId'),
    cluster: STACK_NAME,
    taskDefinitionArn: required(definition.taskDefinition?.taskDefinitionArn, 'RegisterTaskDefinition returned no ARN'),
  };
}

/**
 * As in infra/stack.yml: the private subnet routes 0.0.0.0/0 to a NAT gateway in a public subnet, so that the
 * runner's network check finds the way out a task needs to pull its image (and warns of nothing here).
 */
async function giveWayOut(ec2: EC2Client, vpcId: string, privateSubnetId: string, region: string): Promise<void> {
  const gateway = await ec2.send(new CreateInternetGatewayCommand({}));
  const gatewayId = required(gateway.InternetGateway?.InternetGatewayId, 'CreateInternetGateway returned no ID');
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gatewayId, VpcId: vpcId }));
  const publicSubnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: `${region}a` }),
  );
  const publicSubnetId = required(publicSubnet.Subnet?.SubnetId, 'CreateSubnet returned no SubnetId');
  const publicRoutes = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const publicRouteTableId = required(publicRoutes.RouteTable?.RouteTableId, 'CreateRouteTable returned no ID');
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: publicRouteTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: gatewayId,
    }),
  );
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicRouteTableId, SubnetId: publicSubnetId }));
  const address = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const nat = await ec2.send(
    new CreateNatGatewayCommand({ SubnetId: publicSubnetId, AllocationId: address.AllocationId }),
  );
  const natGatewayId = required(nat.NatGateway?.NatGatewayId, 'CreateNatGateway returned no ID');
  const privateRoutes = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }));
  const privateRouteTableId = required(privateRoutes.RouteTable?.RouteTableId, 'CreateRouteTable returned no ID');
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: privateRouteTableId,
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: natGatewayId,
    }),
  );
  await ec2.send(new AssociateRouteTableCommand({ RouteTableId: privateRouteTableId, SubnetId: privateSubnetId }));
}

function required(value: string | undefined, problem: string): string {
  if (!value) throw new Error(problem);
  return value;
}
