import {
  DescribeContainerInstancesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { CLIENT_CONFIG } from './client-config';
import type { EcsApi } from './ports';

export function createEcsApi(client: ECSClient = new ECSClient(CLIENT_CONFIG)): EcsApi {
  return {
    runTask: (input) => client.send(new RunTaskCommand(input)),
    describeTasks: (input) => client.send(new DescribeTasksCommand(input)),
    stopTask: (input) => client.send(new StopTaskCommand(input)),
    listTasks: (input) => client.send(new ListTasksCommand(input)),
    describeTaskDefinition: (input) => client.send(new DescribeTaskDefinitionCommand(input)),
    listContainerInstances: (input) => client.send(new ListContainerInstancesCommand(input)),
    describeContainerInstances: (input) => client.send(new DescribeContainerInstancesCommand(input)),
  };
}
