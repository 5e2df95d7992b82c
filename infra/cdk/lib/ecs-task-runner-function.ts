import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, DependencyGroup, type IConstruct, type IDependable } from 'constructs';
import { SendOnlyQueueDestination, createFailedEvents } from './failed-events';
import { EXTRA_ENDPOINTS_VARIABLE, extraEndpointsValue } from './response-endpoints';
import { grantOrganizationTrust } from './organization-trust';
import { createRunnerAlarms } from './runner-alarms';
import { STATE_TABLE_VARIABLE, createStateTable, grantStateTable } from './state-table';
import { EVENT_DRIVEN_COMPLETION_VARIABLE, TaskEvents } from './task-events';
import { SWEEP_CLUSTERS_VARIABLE, createSweepSchedule } from './sweep-schedule';

/**
 * The runner's bundle inside this package (index.mjs and the chunks it loads; the handler is `index.handler`):
 * copied there by the build from what the root `npm run build` writes to dist/ecs-task-runner/.
 */
export const RUNNER_BUNDLE_DIR = path.resolve(__dirname, '../runner');

/** A function that answers `Custom::ECSTaskRunner` requests. */
export interface IEcsTaskRunner extends IConstruct {
  /** The function's ARN: the resources' `ServiceToken`. */
  readonly serviceToken: string;
  /**
   * The role the function runs with: each `EcsRunTask` adds what it needs to it. Undefined for a function imported
   * without its role, whose permissions are managed where it is deployed (e.g. `infra/task-runner.yml`'s parameters).
   */
  readonly role?: iam.IRole;
  /** What must exist besides the function before a resource may invoke it (and until its tasks are deleted). */
  readonly invokePrerequisites?: IDependable;
}

export interface EcsTaskRunnerFunctionProps {
  /** The runner's code; default: the bundle this package carries. */
  readonly code?: lambda.Code;
  /** Default 256 MB, as the sample template. */
  readonly memorySize?: number;
  /** Days to keep the runner's own logs, in the log group it creates; default one month. Not with `logGroup`. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The log group the function writes to, with your retention and removal policy; default: one it creates
   * (`logRetention`, and the CDK's default removal policy, RETAIN).
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * An existing role for the function (it must trust `lambda.amazonaws.com`); default: a role it creates. Each
   * `EcsRunTask` attaches its permissions to it, as to the created one: for an imported role, import it mutable
   * (`iam.Role.fromRoleArn(this, 'Role', arn)`), or grant what the runner needs where the role is defined.
   */
  readonly role?: iam.IRole;
  /**
   * Accounts besides the function's own whose stacks it serves (requests through an SNS topic from other
   * accounts): its `ALLOWED_ACCOUNT_IDS` environment variable. Default: its own account only.
   */
  readonly allowedAccountIds?: string[];
  /**
   * The table the runner keeps what it knows of each resource in between requests (partition key `pk`, a string;
   * TTL attribute `expiresAt`), for an Update that runs nothing to answer the last run's attributes again. The role
   * may only get and put its items. Default: a table it creates (on demand, AWS-managed encryption, point-in-time
   * recovery, TTL, deleted with the stack).
   */
  readonly stateTable?: dynamodb.ITable;
  /**
   * ARNs of the IAM roles or users that may read the `failedEvents` queue (its records hold each request's
   * ResponseURL and override values): its policy denies every other principal receiving, deleting, hiding or moving
   * its messages. They still need an identity policy that allows it. Default: whoever the account's IAM policies
   * allow.
   */
  readonly failedEventReaderArns?: string[];
  /**
   * The SNS topic the runner's `alarms` notify (an event kept in `failedEvents`, the function's errors or throttles,
   * a record Lambda could not deliver). Default: the alarms change state without notifying anyone.
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * S3 endpoints the runner may answer CloudFormation on besides those it derives from its own partition and region,
   * each `<S3 endpoint host>/<bucket>` (the one bucket allowed on that host): its `RESPONSE_URL_EXTRA_ENDPOINTS`
   * environment variable (comma-separated). Only for a partition newer than the runner. Default: none.
   */
  readonly extraResponseEndpoints?: string[];
  /**
   * Whether an EventBridge rule sends the function the ECS Task State Change events of tasks that are to stop
   * (event-driven completion; runs still poll until the runner wakes on them): its `EVENT_DRIVEN_COMPLETION`
   * environment variable. Default true.
   */
  readonly eventDrivenCompletion?: boolean;
  /**
   * The clusters whose tasks' events the rule sends (cluster ARNs). Default: every cluster of the stack's account
   * and region; the role still lets the runner touch only its `EcsRunTask`s' clusters.
   */
  readonly taskEventClusterArns?: string[];
  /**
   * The clusters the runner's tasks run in, for the deadline sweep: every 5 minutes EventBridge Scheduler invokes the
   * runner (`sweepSchedule`), which stops the tasks it started that still run a minute past their deadline tag — a run
   * whose runner was lost does not run forever. Its `SWEEP_CLUSTERS` environment variable. The role needs ListTasks,
   * DescribeTasks and StopTask there, which each `EcsRunTask` in the cluster grants. Default: no sweep.
   */
  readonly sweepClusters?: ecs.ICluster[];
  /**
   * An Organization (`o-…`) whose accounts may use the runner through an SNS topic: its `ORGANIZATION_ID`
   * environment variable. A request from such an account is served only once CloudFormation confirms it
   * (DescribeStackResource, read with `stackStatusRoleName` there). Let the Organization publish to your topic
   * (`aws:PrincipalOrgID`, docs/cdk.md). Default: none.
   */
  readonly organizationId?: string;
  /**
   * The name of the stack-status role in every account of `organizationId` (infra/stack-status-role.yml as a
   * StackSet): its `STACK_STATUS_ROLE_NAME` environment variable, and `sts:AssumeRole` on a role of that name in the
   * Organization's accounts only (`aws:ResourceOrgID`). Needs `organizationId`. Default: none.
   */
  readonly stackStatusRoleName?: string;
}

export interface ImportedRunnerOptions {
  /**
   * The imported function's role. Given, each `EcsRunTask` attaches its exact permissions to it (the role must live
   * in this account); left out, the role must already allow what the resources need.
   */
  readonly role?: iam.IRole;
}

const SINGLETON_ID = 'EcsTaskRunner';

/**
 * The runner Lambda: Node.js 22, 15 minutes (it hands off to a fresh invocation of itself before Lambda's limit),
 * recursive loop detection off for those hand-offs, its own log group, and a role that may do nothing with ECS until
 * an `EcsRunTask` grants it exactly what its task needs. Beside it, what infra/task-runner.yml gives its function:
 * the state table, the on-failure queue of its asynchronous events, and alarms on every way a request can be lost.
 */
export class EcsTaskRunnerFunction extends Construct implements IEcsTaskRunner {
  /** The stack's runner, created on first use: one function serves every `EcsRunTask` of a stack. */
  static of(scope: IConstruct): EcsTaskRunnerFunction {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SINGLETON_ID);
    if (existing instanceof EcsTaskRunnerFunction) return existing;
    if (existing)
      throw new Error(
        `${stack.node.path}/${SINGLETON_ID} is taken by another construct; the stack's task runner needs that id`,
      );
    return new EcsTaskRunnerFunction(stack, SINGLETON_ID);
  }

  /** A runner deployed elsewhere (e.g. `infra/task-runner.yml`, shared by several stacks), by its ARN. */
  static fromFunctionArn(
    scope: Construct,
    id: string,
    functionArn: string,
    options: ImportedRunnerOptions = {},
  ): IEcsTaskRunner {
    class ImportedRunner extends Construct implements IEcsTaskRunner {
      readonly serviceToken = functionArn;
      readonly role = options.role;
    }
    return new ImportedRunner(scope, id);
  }

  /** The Lambda function. */
  readonly function: lambda.Function;
  /**
   * The role it runs with, which each `EcsRunTask` grants what its task needs. Always set here (optional only as
   * `IEcsTaskRunner` declares it, which jsii requires to stay so).
   */
  readonly role?: iam.IRole;
  /** The log group it writes to. */
  readonly logGroup: logs.ILogGroup;
  /** What it keeps of each resource between requests: `stateTable`, or the table it created. */
  readonly stateTable: dynamodb.ITable;
  /** Where Lambda keeps the records of the asynchronous events it gave up on (its on-failure destination). */
  readonly failedEvents: sqs.IQueue;
  /**
   * Alarms on every way a request can be lost or late: an event kept in `failedEvents`, the function's errors, its
   * throttles, and records Lambda could not deliver to `failedEvents` (each above 0 in 5 minutes).
   */
  readonly alarms: cloudwatch.IAlarm[];
  /** Its permission to invoke itself and its asynchronous invocation settings: the resources wait for them. */
  readonly invokePrerequisites?: IDependable;
  /** The rule that sends it ECS task events, and its dead-letter queue; undefined with `eventDrivenCompletion: false`. */
  readonly taskEvents?: TaskEvents;
  /** The deadline sweep's schedule, when `sweepClusters` names any. */
  readonly sweepSchedule?: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: EcsTaskRunnerFunctionProps = {}) {
    super(scope, id);
    if (props.logGroup && props.logRetention !== undefined) {
      throw new Error(
        `${this.node.path}: give \`logGroup\` or \`logRetention\`, not both; set the retention on your log group`,
      );
    }
    this.logGroup =
      props.logGroup ??
      new logs.LogGroup(this, 'LogGroup', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    // No AWSLambdaBasicExecutionRole: it allows logs:CreateLogGroup on every log group. The function writes to its
    // own log group only.
    const role =
      props.role ?? new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.role = role;
    this.logGroup.grantWrite(role);
    this.stateTable = props.stateTable ?? createStateTable(this, 'StateTable');
    grantStateTable(this.stateTable, role);

    const environment: Record<string, string> = { [STATE_TABLE_VARIABLE]: this.stateTable.tableName };
    const eventDriven = props.eventDrivenCompletion ?? true;
    environment[EVENT_DRIVEN_COMPLETION_VARIABLE] = String(eventDriven);
    if (props.allowedAccountIds && props.allowedAccountIds.length > 0)
      environment.ALLOWED_ACCOUNT_IDS = props.allowedAccountIds.join(',');
    if (props.extraResponseEndpoints && props.extraResponseEndpoints.length > 0) {
      const extra = extraEndpointsValue(this.node.path, props.extraResponseEndpoints);
      if (extra.kind === 'invalid') throw new Error(extra.message);
      environment[EXTRA_ENDPOINTS_VARIABLE] = extra.value;
    }
    const sweepClusters = props.sweepClusters ?? [];
    if (sweepClusters.length > 0)
      environment[SWEEP_CLUSTERS_VARIABLE] = sweepClusters.map((cluster) => cluster.clusterArn).join(',');
    Object.assign(environment, grantOrganizationTrust(this, role, props));

    this.function = new lambda.Function(this, 'Function', {
      description: 'Runs one-off ECS tasks for Custom::ECSTaskRunner resources and waits for their exit codes',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.code ?? bundledCode(),
      memorySize: props.memorySize ?? 256,
      // Lambda's limit; the function hands off to a fresh invocation of itself before it is reached.
      timeout: Duration.minutes(15),
      role,
      logGroup: this.logGroup,
      // The hand-offs are a chain of invocations of this function: Lambda's loop detection would stop it after ~16.
      recursiveLoop: lambda.RecursiveLoop.ALLOW,
      environment,
    });
    this.failedEvents = createFailedEvents(this, 'FailedEvents', props.failedEventReaderArns);
    // A request CloudFormation no longer waits for (ServiceTimeout is at most an hour) must not start tasks late:
    // Lambda otherwise retries throttled events for up to 6 hours. Two retries (Lambda's default, kept on purpose):
    // a retry follows only a crash or the 15-minute limit, and is what still answers CloudFormation. An event Lambda
    // gives up on is kept in FailedEvents with why, instead of vanishing while its stack waits.
    const asyncInvokeConfig = new lambda.EventInvokeConfig(this, 'AsyncInvokeConfig', {
      function: this.function,
      maxEventAge: Duration.hours(1),
      retryAttempts: 2,
      onFailure: new SendOnlyQueueDestination(this.failedEvents),
    });

    // Apart from the role's default policy, which the function depends on: a statement naming the function there
    // would make the function depend on itself. EcsRunTask resources depend on it instead.
    const invokeItself = new iam.Policy(this, 'InvokeItself', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          sid: 'HandOffToItself',
          actions: ['lambda:InvokeFunction'],
          // The unqualified ARN does not cover an alias or version a ServiceToken may name.
          resources: [this.function.functionArn, `${this.function.functionArn}:*`],
        }),
        new iam.PolicyStatement({
          sid: 'ReadOwnRecursionConfig',
          actions: ['lambda:GetFunctionRecursionConfig'],
          resources: [this.function.functionArn],
        }),
      ],
    });
    this.invokePrerequisites = new DependencyGroup(invokeItself, asyncInvokeConfig);
    this.alarms = createRunnerAlarms(this, this, props.alarmTopic);
    if (eventDriven) this.taskEvents = new TaskEvents(this, 'TaskEvents', this.function, props.taskEventClusterArns);
    if (sweepClusters.length > 0)
      this.sweepSchedule = createSweepSchedule(this, 'SweepSchedule', this.function).schedule;

    // The CDK makes the function depend on its role explicitly, although `Role: !GetAtt` already does (W3005).
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata('cfn-lint', {
      config: { ignore_checks: ['W3005'] },
    });
  }

  get serviceToken(): string {
    return this.function.functionArn;
  }
}

function bundledCode(): lambda.Code {
  if (!existsSync(path.join(RUNNER_BUNDLE_DIR, 'index.mjs'))) {
    throw new Error(
      `The runner's bundle is missing in ${RUNNER_BUNDLE_DIR}: in a checkout, run \`npm run build\` at the repository's root first; or pass \`code\``,
    );
  }
  return lambda.Code.fromAsset(RUNNER_BUNDLE_DIR);
}
