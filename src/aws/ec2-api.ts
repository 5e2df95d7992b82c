import {
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG } from './client-config';
import type { Ec2Api } from './ports';

export function createEc2Api(client: EC2Client = new EC2Client(CLIENT_CONFIG)): Ec2Api {
  return {
    describeSubnets: (input) => client.send(new DescribeSubnetsCommand(input)),
    describeSecurityGroups: (input) => client.send(new DescribeSecurityGroupsCommand(input)),
    describeRouteTables: (input) => client.send(new DescribeRouteTablesCommand(input)),
    describeVpcEndpoints: (input) => client.send(new DescribeVpcEndpointsCommand(input)),
    describeInstances: (input) => client.send(new DescribeInstancesCommand(input)),
    describeInstanceTypes: (input) => client.send(new DescribeInstanceTypesCommand(input)),
  };
}
