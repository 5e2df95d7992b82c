import { CustomResource, type IResolvable, type IResolveContext, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { runsOnFargate } from '../../../src/properties/runner-properties';
import { EcsTaskRunnerFunction, type IEcsTaskRunner } from './ecs-task-runner-function';
import type { EcsRunTaskProps, TaskOverrides } from './run-task-props';
import { type RunTarget, toRunnerProperties } from './runner-properties';
import { passedRoles, type TaskRun, taskLogGroups, taskStatements } from './task-permissions';

export const RESOURCE_TYPE = 'Custom::ECSTaskRunner';

/**
 * A `Custom::ECSTaskRunner` resource: runs the task on Create (and on Update, unless `runOnUpdate` is false), waits
 * for its essential containers to exit and fails the deployment when one exits non-zero. The runner's role gets
 * exactly what this task needs, and the resource waits for those permissions.
 *
 * ```ts
 * const migrate = new EcsRunTask(this, 'Migrate', { service, taskDefinition: migrateTaskDefinition,
 *   overrides: { containerOverrides: [{ containerName: 'migrate', command: ['python3', 'manage.py', 'migrate'] }] } });
 * migrate.runBefore(service); // or service.node.addDependency(migrate), when the service's security groups are not its own
 * ```
 */
export class EcsRunTask extends Construct {
  readonly resource: CustomResource;
  readonly runner: IEcsTaskRunner;
  /** The permissions given to the runner's role for this task; undefined for an imported runner without a role. */
  readonly policy?: iam.Policy;
  private readonly declaredOutputs: readonly string[];

  constructor(scope: Construct, id: string, props: EcsRunTaskProps) {
    super(scope, id);
    this.runner = props.runner ?? EcsTaskRunnerFunction.of(this);
    const cluster = props.cluster ?? props.service?.cluster;
    const taskDefinition = props.taskDefinition ?? props.service?.taskDefinition;
    if (!cluster || !taskDefinition)
      throw new Error(`${this.node.path}: give \`service\`, or \`cluster\` and \`taskDefinition\``);
    if (props.launchType && props.capacityProviderStrategies) {
      throw new Error(`${this.node.path}: give \`launchType\` or \`capacityProviderStrategies\`, not both`);
    }

    const target = runTarget(this, props, cluster, taskDefinition);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.runner.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties: toRunnerProperties(props, target, this),
      ...(props.serviceTimeout ? { serviceTimeout: props.serviceTimeout } : {}),
    });
    // On Delete, the runner and its permissions outlive the task.
    if (this.runner.invokePrerequisites) this.resource.node.addDependency(this.runner.invokePrerequisites);

    this.declaredOutputs = props.outputs ?? [];
    if (this.runner.role) {
      const runs = taskRuns(props, taskDefinition);
      this.policy = new iam.Policy(this, 'RunnerPermissions', {
        roles: [this.runner.role],
        statements: taskStatements({
          stack: Stack.of(this),
          cluster,
          runs,
          infrastructureRoles: props.volumeConfigurations?.map((volume) => volume.managedEBSVolume.role) ?? [],
          awsvpc: target.networkConfiguration !== undefined,
          fargate: runsOnFargate({
            launchType: target.launchType as ecs.LaunchType | undefined,
            capacityProviderStrategy: target.capacityProviderStrategy?.map((item) => ({
              capacityProvider: item.CapacityProvider,
            })),
          }),
        }),
      });
      this.resource.node.addDependency(this.policy);
      this.failIfATaskDefinitionChangesLater(runs);
    }
  }

  /**
   * Makes the services wait for this resource: they roll out only once the task succeeded. Unlike
   * `service.node.addDependency(this)`, only the services themselves wait, not what they own: a security group the
   * service created, which this resource runs the task in, cannot wait for it.
   */
  runBefore(...services: ecs.BaseService[]): void {
    for (const service of services) (service.node.defaultChild as ecs.CfnService).node.addDependency(this);
  }

  /** `TaskArn`: the first task's ARN. */
  get taskArn(): string {
    return this.resource.getAttString('TaskArn');
  }

  /** `TaskArns`: every task's ARN, comma-separated. */
  get taskArns(): string {
    return this.resource.getAttString('TaskArns');
  }

  /** `TaskId`: the first task's ID. */
  get taskId(): string {
    return this.resource.getAttString('TaskId');
  }

  /** `ExitCode`: the first task's first essential container's exit code. */
  get exitCode(): string {
    return this.resource.getAttString('ExitCode');
  }

  /** `StopCode`: the first task's stop code, e.g. `EssentialContainerExited`. */
  get stopCode(): string {
    return this.resource.getAttString('StopCode');
  }

  /** `StoppedReason`: the first task's stopped reason. */
  get stoppedReason(): string {
    return this.resource.getAttString('StoppedReason');
  }

  /** `Attempts`: how many times the tasks were started, "1" without start retries. */
  get attempts(): string {
    return this.resource.getAttString('Attempts');
  }

  /**
   * The value the task printed as `ECS_TASK_RUNNER_OUTPUT <name>=...` (empty when it printed none). Throws for a
   * name not declared in `outputs`: CloudFormation would refuse the `Fn::GetAtt` only at deploy time.
   */
  output(name: string): string {
    if (!this.declaredOutputs.includes(name)) {
      const declared =
        this.declaredOutputs.length > 0 ? `it declares ${this.declaredOutputs.join(', ')}` : 'it declares none';
      throw new Error(`${this.node.path}: no output named ${name} (${declared}); add it to \`outputs\``);
    }
    return this.resource.getAttString(name);
  }

  /**
   * The grants are worked out from the task definitions as they are now. A container (with its log group or
   * execution role) added later would run without them: synth fails instead, saying what to move.
   */
  private failIfATaskDefinitionChangesLater(runs: TaskRun[]): void {
    const fingerprints = (): string[] =>
      runs.map((run) =>
        JSON.stringify([
          passedRoles([run]).map((role) => role.node.path),
          taskLogGroups(run.taskDefinition).map((group) => group.name),
        ]),
      );
    const atConstruction = fingerprints();
    this.node.addValidation({
      validate: () => {
        const now = fingerprints();
        const changed = new Set(
          runs.filter((_run, index) => now[index] !== atConstruction[index]).map((run) => run.taskDefinition.node.path),
        );
        return [...changed].map(
          (path) =>
            `${path} got another role or log group after ${this.node.path} was created; create the EcsRunTask after adding the task definition's containers, so that the runner is granted them`,
        );
      },
    });
  }
}

/**
 * The tasks the runner starts for the resource: its own (whose logs it reads for a failure's last lines or for
 * `Outputs`) and the teardown (for a failure's last lines only: it has no Outputs).
 */
function taskRuns(props: EcsRunTaskProps, taskDefinition: ecs.TaskDefinition): TaskRun[] {
  const quotesFailures = props.logLines !== 0;
  const own: TaskRun = {
    taskDefinition,
    overrideRoles: overrideRoles(props.overrides),
    readsLogs: quotesFailures || (props.outputs?.length ?? 0) > 0,
  };
  if (!props.onDelete) return [own];
  return [
    own,
    {
      taskDefinition: props.onDelete.taskDefinition ?? taskDefinition,
      overrideRoles: overrideRoles(props.onDelete.overrides),
      readsLogs: quotesFailures,
    },
  ];
}

function overrideRoles(overrides: TaskOverrides | undefined): iam.IRole[] {
  return [overrides?.taskRole, overrides?.executionRole].filter((role): role is iam.IRole => role !== undefined);
}

function runTarget(
  scope: Construct,
  props: EcsRunTaskProps,
  cluster: ecs.ICluster,
  taskDefinition: ecs.TaskDefinition,
): RunTarget {
  const service = props.service?.node.defaultChild as ecs.CfnService | undefined;
  const fromService = service && !props.launchType && !props.capacityProviderStrategies;
  const capacityProviderStrategy = props.capacityProviderStrategies?.map((item) => ({
    CapacityProvider: item.capacityProvider,
    ...(item.weight !== undefined ? { Weight: item.weight } : {}),
    ...(item.base !== undefined ? { Base: item.base } : {}),
  }));
  const platformVersion = props.platformVersion ?? service?.platformVersion;
  return {
    clusterArn: cluster.clusterArn,
    taskDefinitionArn: taskDefinition.taskDefinitionArn,
    networkConfiguration: networkConfiguration(scope, props, cluster, taskDefinition, service),
    ...(fromService ? serviceLaunch(service) : {}),
    ...(props.launchType ? { launchType: props.launchType } : {}),
    ...(capacityProviderStrategy ? { capacityProviderStrategy } : {}),
    ...(platformVersion ? { platformVersion } : {}),
  };
}

function serviceLaunch(service: ecs.CfnService): Pick<RunTarget, 'launchType' | 'capacityProviderStrategy'> {
  const strategy = service.capacityProviderStrategy;
  if (Array.isArray(strategy) && strategy.length > 0) {
    return {
      capacityProviderStrategy: strategy.map((item) => {
        if (
          Token.isUnresolved(item) ||
          typeof item !== 'object' ||
          !('capacityProvider' in item) ||
          !item.capacityProvider
        ) {
          throw new Error(
            `${service.node.path}: its capacity provider strategy is not known at synth time; give \`capacityProviderStrategies\``,
          );
        }
        return {
          CapacityProvider: item.capacityProvider,
          ...(item.weight !== undefined ? { Weight: Number(item.weight) } : {}),
          ...(item.base !== undefined ? { Base: Number(item.base) } : {}),
        };
      }),
    };
  }
  return service.launchType ? { launchType: service.launchType } : {};
}

/**
 * `NetworkConfiguration` for an awsvpc task definition (or when network props are given): the props, else the
 * service's own, in the shape `AWS::ECS::Service` and the runner share.
 */
function networkConfiguration(
  scope: Construct,
  props: EcsRunTaskProps,
  cluster: ecs.ICluster,
  taskDefinition: ecs.TaskDefinition,
  service: ecs.CfnService | undefined,
): unknown {
  const given =
    props.vpcSubnets !== undefined || props.securityGroups !== undefined || props.assignPublicIp !== undefined;
  if (!given && taskDefinition.networkMode !== ecs.NetworkMode.AWS_VPC) return undefined;
  if (!given && service?.networkConfiguration) {
    return new ServiceNetwork(service.networkConfiguration);
  }
  if (!cluster.vpc)
    throw new Error(
      `${scope.node.path}: the cluster has no VPC to select subnets in; give \`service\`, or a cluster with its \`vpc\``,
    );
  return {
    AwsvpcConfiguration: {
      Subnets: cluster.vpc.selectSubnets(props.vpcSubnets ?? {}).subnetIds,
      ...(props.securityGroups ? { SecurityGroups: props.securityGroups.map((group) => group.securityGroupId) } : {}),
      ...(props.assignPublicIp !== undefined ? { AssignPublicIp: props.assignPublicIp ? 'ENABLED' : 'DISABLED' } : {}),
    },
  };
}

/** The service's network configuration: rendered lazily by the service, in the L1's camelCase; the runner reads PascalCase. */
class ServiceNetwork implements IResolvable {
  readonly creationStack: string[] = [];

  constructor(private readonly network: unknown) {}

  resolve(context: IResolveContext): unknown {
    return pascalCaseNetwork(context.resolve(this.network));
  }

  toString(): string {
    return Token.asString(this);
  }
}

function pascalCaseNetwork(resolved: unknown): unknown {
  const awsvpc = (
    resolved as
      { awsvpcConfiguration?: { subnets?: unknown; securityGroups?: unknown; assignPublicIp?: unknown } } | undefined
  )?.awsvpcConfiguration;
  if (!awsvpc) return undefined;
  return {
    AwsvpcConfiguration: {
      Subnets: awsvpc.subnets,
      ...(awsvpc.securityGroups !== undefined ? { SecurityGroups: awsvpc.securityGroups } : {}),
      ...(awsvpc.assignPublicIp !== undefined ? { AssignPublicIp: awsvpc.assignPublicIp } : {}),
    },
  };
}
