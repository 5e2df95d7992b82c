import { DescribeTaskDefinitionCommand, type TaskDefinition } from '@aws-sdk/client-ecs';
import { checkBeforeStart, type PreflightCheck } from '../../src/tasks/preflight';
import { AwsCallError } from '../../src/shared/errors';
import { mockedAws, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';
import { parsed } from '../support/properties';

const aws = mockedAws();

beforeEach(() => aws.reset());

/** The fixture's properties (awsvpc network, an override of `migrate`), changed as given. */
function properties(changes: Record<string, unknown> = {}) {
  return parsed({ ...fixtures.create().ResourceProperties, ...changes });
}

function definition(extra: Partial<TaskDefinition> = {}) {
  aws.ecs.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: {
      taskDefinitionArn: TASK_DEFINITION_ARN,
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'migrate' }, { name: 'log-router', essential: false }],
      ...extra,
    },
  });
}

async function problems(promise: Promise<PreflightCheck>): Promise<readonly string[]> {
  const checked = await promise;
  if (checked.kind !== 'refused') throw new Error('expected the check to refuse the run');
  return checked.problems;
}

describe('the check before anything starts', () => {
  it('returns what the task definition says when the properties fit it', async () => {
    definition();
    await expect(checkBeforeStart(aws.ports, properties())).resolves.toMatchObject({
      definition: {
        arn: TASK_DEFINITION_ARN,
        essentialContainers: ['migrate'],
      },
    });
    expect(aws.ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, { taskDefinition: 'todobackend-migrate' });
  });

  it('refuses subnets for a task definition that is not awsvpc', async () => {
    definition({ networkMode: 'bridge' });
    expect(await problems(checkBeforeStart(aws.ports, properties({ LaunchType: 'EC2' })))).toEqual([
      'NetworkConfiguration: task definition todobackend-migrate:7 uses network mode bridge; subnets and security groups apply only to awsvpc — remove the network configuration or register the task definition with NetworkMode awsvpc',
    ]);
  });

  it('names every problem at once: a container override for a container the task definition lacks, and missing subnets', async () => {
    definition();
    const overrides = { ContainerOverrides: [{ Name: 'migrate' }, { Name: 'migrations' }] };
    expect(
      await problems(
        checkBeforeStart(aws.ports, properties({ NetworkConfiguration: undefined, Overrides: overrides })),
      ),
    ).toEqual([
      'NetworkConfiguration: task definition todobackend-migrate:7 uses network mode awsvpc, so RunTask needs subnets — add NetworkConfiguration.AwsvpcConfiguration (Subnets, SecurityGroups) or the Subnets/SecurityGroups shorthand',
      'Overrides.ContainerOverrides: task definition todobackend-migrate:7 has no container "migrations"; its containers are "migrate", "log-router"',
    ]);
  });

  it('a task definition that does not exist is named, with what to give instead', async () => {
    aws.ecs.on(DescribeTaskDefinitionCommand).rejects(
      Object.assign(new Error('Unable to describe task definition.'), {
        name: 'ClientException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await problems(checkBeforeStart(aws.ports, properties()))).toEqual([
      'TaskDefinition: "todobackend-migrate" was not found in this account and region — give a family, family:revision or ARN of a registered task definition',
    ]);
  });

  it('any other DescribeTaskDefinition error is passed on as a failed AWS call', async () => {
    const denied = Object.assign(new Error('not authorized to perform: ecs:DescribeTaskDefinition'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    aws.ecs.on(DescribeTaskDefinitionCommand).rejects(denied);
    const error: unknown = await checkBeforeStart(aws.ports, properties()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ call: 'DescribeTaskDefinition of todobackend-migrate', cause: denied });
  });

  it('an empty answer from ECS is a problem, not a crash', async () => {
    aws.ecs.on(DescribeTaskDefinitionCommand).resolves({});
    expect(await problems(checkBeforeStart(aws.ports, properties()))).toEqual([
      'TaskDefinition: ECS returned no task definition for "todobackend-migrate"',
    ]);
  });
});
