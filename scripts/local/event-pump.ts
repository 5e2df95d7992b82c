import { DescribeTasksCommand, type ECSClient, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { HandlerInvoker, InvocationRecord } from './handler-invoker';
import { taskStateChange } from './task-state-change';

/** What the pump delivered: one ECS Task State Change, and the invocations it led to. */
export interface DeliveredEvent {
  taskArn: string;
  lastStatus: string;
  version: number;
  event: Record<string, unknown>;
  /** Undefined when the invocation failed (its error is in `error`). */
  invocations?: InvocationRecord[];
  error?: string;
}

export interface EventPumpOptions {
  ecs: ECSClient;
  /** The cluster whose tasks it watches: the runner template's rule is limited to the runner's clusters. */
  cluster: string;
  invoker: Pick<HandlerInvoker, 'invokeFollowingHandOffs'>;
  /** How long between two looks at the tasks; default 1 s. */
  intervalMs?: number;
  /** Each event as it is delivered, and again when its invocations ended. */
  onDelivery?: (delivery: DeliveredEvent, phase: 'sent' | 'done') => void;
}

/** The statuses a task reaches once its essential container exited (desired STOPPED in ECS). */
const STOPPING_STATUSES = new Set(['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED']);
const DEFAULT_INTERVAL_MS = 1000;

/**
 * Plays EventBridge for the runner on moto, which sends no ECS events: it looks at the cluster's tasks in moto, and
 * for every change it sees of a task whose container has exited it invokes the runner with the ECS Task State
 * Change that the runner template's rule would deliver (`desiredStatus: STOPPED`), as EventBridge's asynchronous
 * invocation does: a fresh invocation per event, its hand-offs followed. The event's version is the task's own
 * (moto.ts gives moto's tasks ECS's `version`); moto leaves a stopped task's `desiredStatus` at RUNNING (see
 * local-environment.ts), so the event says STOPPED, as ECS's would.
 *
 * It looks only between a request's invocations, never while one runs: every DescribeTasks call moves moto's tasks
 * on (moto.ts, `manual` progression), and a second reader would hurry the runner's own watch.
 */
export class EventPump {
  private readonly versions = new Map<string, { status: string; version: number }>();
  /** Tasks whose STOPPED event went out: nothing more will come of them. */
  private readonly finished = new Set<string>();
  readonly delivered: DeliveredEvent[] = [];

  constructor(private readonly options: EventPumpOptions) {}

  /**
   * Delivers the events of the cluster's tasks, one look every interval, until every task it has seen stopped and
   * its STOPPED event was delivered, or `limitMs` passed. Returns the deliveries made meanwhile.
   */
  async deliverUntilQuiet(limitMs: number): Promise<DeliveredEvent[]> {
    const from = this.delivered.length;
    const deadline = Date.now() + limitMs;
    for (;;) {
      await this.look();
      if (this.quiet || Date.now() >= deadline) return this.delivered.slice(from);
      await new Promise((resolve) => setTimeout(resolve, this.options.intervalMs ?? DEFAULT_INTERVAL_MS));
    }
  }

  /** Whether every task the pump has seen stopped, and its STOPPED event was delivered. */
  private get quiet(): boolean {
    return [...this.versions.keys()].every((taskArn) => this.finished.has(taskArn));
  }

  /** One look at the tasks; the events of what changed are delivered one after the other. */
  private async look(): Promise<void> {
    const { ecs, cluster } = this.options;
    const listed = await ecs.send(new ListTasksCommand({ cluster }));
    const watched = (listed.taskArns ?? []).filter((taskArn) => !this.finished.has(taskArn));
    for (let from = 0; from < watched.length; from += 100) {
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: watched.slice(from, from + 100) }));
      for (const task of described.tasks ?? []) await this.see(task);
    }
  }

  private async see(task: Task): Promise<void> {
    const { taskArn, lastStatus } = task;
    if (!taskArn || !lastStatus) return;
    const seen = this.versions.get(taskArn);
    if (seen?.status === lastStatus) return;
    // moto's tasks carry ECS's version (moto.ts); counting the changes seen is the fallback for one that does not.
    const version = task.version ?? (seen?.version ?? 0) + 1;
    this.versions.set(taskArn, { status: lastStatus, version });
    if (!STOPPING_STATUSES.has(lastStatus) && task.desiredStatus !== 'STOPPED') return;
    if (lastStatus === 'STOPPED') this.finished.add(taskArn);
    const event = taskStateChange({ ...task, desiredStatus: 'STOPPED' }, { version });
    await this.deliver({ taskArn, lastStatus, version, event });
  }

  private async deliver(delivery: DeliveredEvent): Promise<void> {
    this.delivered.push(delivery);
    this.options.onDelivery?.(delivery, 'sent');
    try {
      delivery.invocations = await this.options.invoker.invokeFollowingHandOffs(delivery.event);
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error);
    }
    this.options.onDelivery?.(delivery, 'done');
  }
}
