/**
 * ECS's API rate limits as its documentation states them, for the scale benchmark's fake ECS.
 *
 * "Request throttling for the Amazon ECS API" (Amazon ECS Developer Guide,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/request-throttling.html): one token bucket per account
 * and Region for each category of actions, shared by every caller (console, CLI, other tools); every request takes
 * one token; "a set number of tokens is added back to it every second until it reaches its maximum capacity"; a
 * request finding the bucket empty fails with ThrottlingException ("Rate exceeded").
 * RunTask on Fargate is also limited by the task launch rate: "AWS Fargate throttling quotas" (Amazon ECS Developer
 * Guide, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/throttling.html).
 */

export interface BucketSize {
  /** Bucket maximum capacity: the burst rate. */
  capacity: number;
  /** Tokens added back every second: the sustained rate. */
  refillPerSecond: number;
}

/** The categories of the actions the runner calls, with their documented sizes. */
export const ECS_BUCKETS = {
  /** Cluster resource modify actions: RunTask, StartTask, StopTask, ... */
  clusterResourceModify: { capacity: 100, refillPerSecond: 40 },
  /** Cluster resource read actions: DescribeTasks, ListTasks, DescribeContainerInstances, ListContainerInstances. */
  clusterResourceRead: { capacity: 100, refillPerSecond: 20 },
  /** Task definition read actions: DescribeTaskDefinition, ... */
  taskDefinitionRead: { capacity: 50, refillPerSecond: 20 },
  /** Fargate resource rate quota for On Demand ECS tasks (RunTask on Fargate: one token per task). */
  fargateTaskLaunch: { capacity: 100, refillPerSecond: 20 },
} as const satisfies Record<string, BucketSize>;

export type EcsBucketName = keyof typeof ECS_BUCKETS;

/** Which buckets each ECS action the runner calls draws one token from. */
export const ECS_ACTION_BUCKETS: Record<string, EcsBucketName[]> = {
  RunTask: ['clusterResourceModify', 'fargateTaskLaunch'],
  StopTask: ['clusterResourceModify'],
  DescribeTasks: ['clusterResourceRead'],
  ListTasks: ['clusterResourceRead'],
  DescribeContainerInstances: ['clusterResourceRead'],
  ListContainerInstances: ['clusterResourceRead'],
  DescribeTaskDefinition: ['taskDefinitionRead'],
};

/** One bucket, full at `start`; refilled in whole seconds counted from `start`, as the documentation describes. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly size: BucketSize,
    start: number,
  ) {
    this.tokens = size.capacity;
    this.refilledAt = start;
  }

  /** Tokens in the bucket at `now` (ms). */
  available(now: number): number {
    const seconds = Math.floor((now - this.refilledAt) / 1000);
    if (seconds > 0) {
      this.tokens = Math.min(this.size.capacity, this.tokens + seconds * this.size.refillPerSecond);
      this.refilledAt += seconds * 1000;
    }
    return this.tokens;
  }

  /** Takes `count` tokens at `now`; false, taking none, when the bucket holds fewer. */
  take(now: number, count = 1): boolean {
    if (this.available(now) < count) return false;
    this.tokens -= count;
    return true;
  }
}

/** Every bucket of one account and Region, and what each refused. */
export class EcsThrottle {
  private readonly buckets: Record<EcsBucketName, TokenBucket>;
  /** Calls refused, by action. */
  readonly refused: Record<string, number> = {};
  /** Calls let through, by action. */
  readonly accepted: Record<string, number> = {};

  constructor(start: number) {
    this.buckets = {
      clusterResourceModify: new TokenBucket(ECS_BUCKETS.clusterResourceModify, start),
      clusterResourceRead: new TokenBucket(ECS_BUCKETS.clusterResourceRead, start),
      taskDefinitionRead: new TokenBucket(ECS_BUCKETS.taskDefinitionRead, start),
      fargateTaskLaunch: new TokenBucket(ECS_BUCKETS.fargateTaskLaunch, start),
    };
  }

  /**
   * Whether ECS accepts `action` at `now`: every bucket of its category holds a token. A RunTask of `tasks` tasks
   * takes that many Fargate launch tokens. A refused call takes no token (ECS does not say; it matters little).
   */
  admit(action: string, now: number, tasks = 1): boolean {
    const needs = (ECS_ACTION_BUCKETS[action] ?? []).map(
      (name) => [this.buckets[name], name === 'fargateTaskLaunch' ? tasks : 1] as const,
    );
    const admitted = needs.every(([bucket, count]) => bucket.available(now) >= count);
    if (admitted) for (const [bucket, count] of needs) bucket.take(now, count);
    const tally = admitted ? this.accepted : this.refused;
    tally[action] = (tally[action] ?? 0) + 1;
    return admitted;
  }
}
