import { CustomResource } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { runsOnFargate } from '../parser';
import { EcsTaskRunnerFunction, type IEcsTaskRunner } from './ecs-task-runner-function';
import { warnOfSecretsInEnvironment } from './environment-secrets';
import { launchTarget } from './launch-target';
import type { EcsRunTaskProps, TaskOverrides } from './run-task-props';
import { type RunTarget, toRunnerProperties } from './runner-properties';
import { validateAtSynth } from './synth-validation';
import { taskNetwork } from './task-network';
import { passedRoles, RunnerPermissions, type TaskRun, taskLogGroups } from './task-permissions';

/** The CloudFormation type of the resources `EcsRunTask` creates. */
export const RESOURCE_TYPE = 'Custom::ECSTaskRunner';

/**
 * A `Custom::ECSTaskRunner` resource: runs the task on Create (and on an Update that changes what runs; see
 * `runOn`), waits for its essential containers to exit and fails the deployment when one exits non-zero. The
 * runner's role gets exactly what this task needs, and the resource waits for those permissions.
 *
 * ```ts
 * const migrate = new EcsRunTask(this, 'Migrate', { service, taskDefinition: migrateTaskDefinition,
 *   overrides: { containerOverrides: [{ containerName: 'migrate', command: ['python3', 'manage.py', 'migrate'] }] } });
 * migrate.executeAfter(database);
 * migrate.executeBefore(service);
 * database.connections.allowDefaultPortFrom(migrate);
 * ```
 */
export class EcsRunTask extends Construct implements ec2.IConnectable {
  /** The `Custom::ECSTaskRunner` resource. */
  readonly resource: CustomResource;
  /** The function that runs the task. */
  readonly runner: IEcsTaskRunner;
  /**
   * The runner's permissions in this stack, shared by every `EcsRunTask` of the stack on the same runner; undefined
   * for an imported runner without a role.
   */
  readonly policy?: iam.Policy;
  /** The task's security groups (`awsvpc` only): the service's, the ones given, or the one created for it. */
  readonly connections: ec2.Connections;
  private readonly declaredOutputs: readonly string[];

  constructor(scope: Construct, id: string, props: EcsRunTaskProps) {
    super(scope, id);
    this.runner = props.runner ?? EcsTaskRunnerFunction.of(this);
    const service = props.service && ownService(props.service);
    const cluster = props.cluster ?? props.service?.cluster;
    const taskDefinition = props.taskDefinition ?? service?.taskDefinition;
    if (props.service && !service && !props.taskDefinition) {
      throw new Error(
        `${this.node.path}: ${props.service.node.path} is an imported service, whose task definition is not known; give \`taskDefinition\``,
      );
    }
    if (!cluster || !taskDefinition)
      throw new Error(`${this.node.path}: give \`service\`, or \`cluster\` and \`taskDefinition\``);

    const network = taskNetwork(this, props, service, cluster, taskDefinition);
    this.connections = network.connections;
    const serviceResource = service?.node.defaultChild as ecs.CfnService | undefined;
    const platformVersion = props.platformVersion ?? serviceResource?.platformVersion;
    const target: RunTarget = {
      clusterArn: cluster.clusterArn,
      taskDefinitionArn: taskDefinition.taskDefinitionArn,
      networkConfiguration: network.configuration,
      ...launchTarget(this, props, serviceResource, cluster, taskDefinition),
      ...(platformVersion ? { platformVersion } : {}),
    };
    const properties = toRunnerProperties(props, target, this);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.runner.serviceToken,
      resourceType: RESOURCE_TYPE,
      properties,
      ...(props.serviceTimeout ? { serviceTimeout: props.serviceTimeout } : {}),
    });
    // On Delete, the runner and its permissions outlive the task.
    if (this.runner.invokePrerequisites) this.resource.node.addDependency(this.runner.invokePrerequisites);
    warnOfSecretsInEnvironment(this, props);
    validateAtSynth(this, props, taskDefinition, () => ({
      ...properties,
      ...(props.serviceTimeout ? { ServiceTimeout: props.serviceTimeout.toSeconds() } : {}),
    }));

    this.declaredOutputs = props.outputs ?? [];
    if (this.runner.role) {
      const runs = taskRuns(props, taskDefinition);
      const permissions = RunnerPermissions.of(this, this.runner, this.runner.role);
      permissions.grant({
        cluster,
        runs,
        infrastructureRoles: props.volumeConfigurations?.map((volume) => volume.managedEBSVolume.role) ?? [],
        stackStatusRoles: props.stackStatusRole ? [props.stackStatusRole] : [],
        awsvpc: target.networkConfiguration !== undefined,
        fargate: runsOnFargate({
          launchType: target.launchType as 'EC2' | 'FARGATE' | 'EXTERNAL' | undefined,
          capacityProviderStrategy: target.capacityProviderStrategy?.map((item) => ({
            capacityProvider: item.CapacityProvider,
          })),
        }),
      });
      this.policy = permissions.policy;
      this.resource.node.addDependency(this.policy);
      this.failIfATaskDefinitionChangesLater(runs);
    }
    if (props.executeAfter) this.executeAfter(...props.executeAfter);
    if (props.executeBefore) this.executeBefore(...props.executeBefore);
  }

  /**
   * Runs the task only once these exist (are created or updated): a database, an ingress rule, a secret. The
   * resource depends on each construct and everything it contains.
   */
  executeAfter(...scopes: IConstruct[]): void {
    this.resource.node.addDependency(...scopes);
  }

  /**
   * Makes these wait for the task: they are created or updated only once it succeeded. Only each one's own
   * CloudFormation resource (its `defaultChild`) waits, not what it owns: a security group the service created, which
   * the task runs in, must not wait for the task (`service.node.addDependency(migrate)` would be that cycle).
   */
  executeBefore(...scopes: IConstruct[]): void {
    for (const scope of scopes) (scope.node.defaultChild ?? scope).node.addDependency(this.resource);
  }

  /**
   * The services roll out only once the task succeeded.
   * @deprecated use `executeBefore`, which does the same for any construct (as `triggers.Trigger` names it).
   */
  runBefore(...services: ecs.BaseService[]): void {
    this.executeBefore(...services);
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
  const anyRevision = props.runOnRollback === true;
  const own: TaskRun = {
    taskDefinition,
    overrideRoles: overrideRoles(props.overrides),
    readsLogs: quotesFailures || (props.outputs?.length ?? 0) > 0,
    anyRevision,
  };
  if (!props.onDelete) return [own];
  return [
    own,
    {
      taskDefinition: props.onDelete.taskDefinition ?? taskDefinition,
      overrideRoles: overrideRoles(props.onDelete.overrides),
      readsLogs: quotesFailures,
      anyRevision,
    },
  ];
}

function overrideRoles(overrides: TaskOverrides | undefined): iam.IRole[] {
  return [overrides?.taskRole, overrides?.executionRole].filter((role): role is iam.IRole => role !== undefined);
}

/**
 * The service as the app defines it (`ecs.FargateService`, `ecs.Ec2Service`): its task definition, network and launch
 * settings are known. An imported one (`FargateService.fromFargateServiceAttributes`) knows only its cluster and name.
 * Told apart by shape, not `instanceof`, so that a second copy of aws-cdk-lib in the app still counts.
 */
function ownService(service: ecs.IBaseService): ecs.BaseService | undefined {
  return 'taskDefinition' in service && 'connections' in service ? (service as ecs.BaseService) : undefined;
}
