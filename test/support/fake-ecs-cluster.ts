import type {
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  StopTaskCommandInput,
  StopTaskCommandOutput,
  Tag,
  Task,
} from '@aws-sdk/client-ecs';
import type { SweepEcs } from '../../src/sweep/sweep-expired-tasks';

const META = { $metadata: {} };

/**
 * ECS as the sweep meets it, in memory: tasks by cluster; ListTasks lists those whose desired status is RUNNING (its
 * default), `maxResults` a page with a `nextToken`; DescribeTasks gives tags only with `include: ['TAGS']` and takes
 * at most 100 tasks; StopTask sets the desired status to STOPPED. `failNext` makes the next call of a name throw.
 */
export class FakeEcsCluster implements SweepEcs {
  readonly tasks: Task[] = [];
  readonly calls: { name: string; input: unknown }[] = [];
  readonly #failures: { name: string; error: Error }[] = [];

  add(cluster: string, taskArn: string, tags: Tag[], extra: Partial<Task> = {}): void {
    this.tasks.push({ clusterArn: cluster, taskArn, tags, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', ...extra });
  }

  failNext(name: 'listTasks' | 'describeTasks' | 'stopTask', error: Error): void {
    this.#failures.push({ name, error });
  }

  stopped(): Task[] {
    return this.tasks.filter((task) => task.desiredStatus === 'STOPPED');
  }

  #call(name: string, input: unknown): void {
    this.calls.push({ name, input });
    const index = this.#failures.findIndex((failure) => failure.name === name);
    const [failure] = index >= 0 ? this.#failures.splice(index, 1) : [];
    if (failure) throw failure.error;
  }

  async listTasks(input: ListTasksCommandInput): Promise<ListTasksCommandOutput> {
    this.#call('listTasks', input);
    const listed = this.tasks.filter((task) => task.clusterArn === input.cluster && task.desiredStatus === 'RUNNING');
    const start = Number(input.nextToken ?? '0');
    const size = input.maxResults ?? 100;
    const page = listed.slice(start, start + size).map((task) => String(task.taskArn));
    const next = start + size < listed.length ? String(start + size) : undefined;
    return Promise.resolve({ ...META, taskArns: page, ...(next ? { nextToken: next } : {}) });
  }

  async describeTasks(input: DescribeTasksCommandInput): Promise<DescribeTasksCommandOutput> {
    this.#call('describeTasks', input);
    const wanted = input.tasks ?? [];
    if (wanted.length > 100) throw new Error('InvalidParameterException: more than 100 tasks');
    const withTags = input.include?.includes('TAGS') ?? false;
    const tasks = this.tasks
      .filter((task) => task.clusterArn === input.cluster && wanted.includes(String(task.taskArn)))
      .map((task) => (withTags ? { ...task } : { ...task, tags: [] }));
    return Promise.resolve({ ...META, tasks, failures: [] });
  }

  async stopTask(input: StopTaskCommandInput): Promise<StopTaskCommandOutput> {
    this.#call('stopTask', input);
    const task = this.tasks.find((candidate) => candidate.taskArn === input.task);
    if (!task) throw new Error('InvalidParameterException: The referenced task was not found.');
    task.desiredStatus = 'STOPPED';
    task.stoppedReason = input.reason;
    return Promise.resolve({ ...META, task });
  }
}
