import { taskDefinitionFacts } from '../../src/tasks/task-definition-facts';
import { TASK_DEFINITION_ARN } from '../support/aws-mocks';

const awslogs = (options: Record<string, string>) => ({ logDriver: 'awslogs' as const, options });

describe('what the runner reads from a task definition', () => {
  it('a container is essential unless it says otherwise; only essential awslogs containers with a group are read back', () => {
    const facts = taskDefinitionFacts(
      {
        taskDefinitionArn: TASK_DEFINITION_ARN,
        networkMode: 'awsvpc',
        containerDefinitions: [
          {
            name: 'migrate',
            logConfiguration: awslogs({
              'awslogs-group': '/ecs/todobackend',
              'awslogs-region': 'eu-west-1',
              'awslogs-stream-prefix': 'migrate',
            }),
          },
          { name: 'seed', essential: true, logConfiguration: awslogs({ 'awslogs-group': '/ecs/seed' }) },
          { name: 'no-group', logConfiguration: awslogs({ 'awslogs-region': 'eu-west-1' }) },
          {
            name: 'firelens',
            logConfiguration: { logDriver: 'awsfirelens', options: { 'awslogs-group': '/ecs/other' } },
          },
          { name: 'log-router', essential: false, logConfiguration: awslogs({ 'awslogs-group': '/ecs/router' }) },
          { essential: true, logConfiguration: awslogs({ 'awslogs-group': '/ecs/unnamed' }) },
        ],
      },
      'todobackend-migrate',
    );

    expect(facts.essentialContainers).toEqual(['migrate', 'seed', 'no-group', 'firelens']);
    expect(facts.containerNames).toEqual(['migrate', 'seed', 'no-group', 'firelens', 'log-router']);
    expect(facts.logs).toEqual({
      migrate: { group: '/ecs/todobackend', region: 'eu-west-1', streamPrefix: 'migrate' },
      seed: { group: '/ecs/seed' },
    });
  });

  it('without an ARN or network mode in the answer, keeps the name asked for and ECS default bridge mode', () => {
    expect(taskDefinitionFacts({}, 'todobackend-migrate:7')).toEqual({
      arn: 'todobackend-migrate:7',
      networkMode: 'bridge',
      essentialContainers: [],
      containerNames: [],
      logs: {},
      usesSecrets: false,
      volumeNames: [],
      configuredAtLaunchVolumes: [],
      placementConstraintCount: 0,
    });
  });

  it.each([
    [
      'a secret from Secrets Manager or SSM',
      { secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }] },
      true,
    ],
    [
      'private registry credentials',
      {
        repositoryCredentials: {
          credentialsParameter: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:registry',
        },
      },
      true,
    ],
    ['an empty list of secrets', { secrets: [] }, false],
  ])('a task that reads %s at start uses secrets', (_what, container, usesSecrets) => {
    const facts = taskDefinitionFacts(
      {
        containerDefinitions: [
          { name: 'log-router', essential: false },
          { name: 'migrate', ...container },
        ],
      },
      'todobackend-migrate',
    );
    expect(facts.usesSecrets).toBe(usesSecrets);
  });

  it('lists the volumes, those configured at launch, and counts the placement constraints', () => {
    const facts = taskDefinitionFacts(
      {
        volumes: [
          { name: 'scratch', configuredAtLaunch: true },
          { name: 'cache', configuredAtLaunch: false },
          { name: 'tmp' },
          { configuredAtLaunch: true },
        ],
        placementConstraints: [
          { type: 'memberOf', expression: 'attribute:ecs.instance-type =~ g5.*' },
          { type: 'memberOf', expression: 'attribute:ecs.os-type == linux' },
        ],
      },
      'todobackend-migrate',
    );
    expect(facts).toMatchObject({
      volumeNames: ['scratch', 'cache', 'tmp'],
      configuredAtLaunchVolumes: ['scratch'],
      placementConstraintCount: 2,
    });
  });
});
