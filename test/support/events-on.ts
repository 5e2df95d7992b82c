import { DescribeTasksCommand, type Task } from '@aws-sdk/client-ecs';
import type { AwsPorts } from '../../src/aws/ports';
import { ecsTask, mockedAws, stubHappyPath } from './aws-mocks';
import { MemoryStateTable } from './fakes';
import { invokeWith } from './invoke';

/**
 * What the specifications of event-driven completion share: fake AWS with a fresh in-memory state table for each test
 * (`table`), the handler's core on those ports (`invoke`), and DescribeTasks answering a running task (version 2)
 * until a test says otherwise (`describeAnswers`). Call once per file, at its top: it registers its `beforeEach`.
 */
export function eventsOn() {
  const aws = mockedAws();
  let table = new MemoryStateTable();
  const ports: AwsPorts = { ...aws.ports, stateTable: async () => table };
  const describeAnswers = (task: Task): void => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [task] });
  };
  beforeEach(() => {
    stubHappyPath(aws);
    table = new MemoryStateTable();
    describeAnswers(ecsTask({ version: 2 }));
  });
  return {
    aws,
    ports,
    invoke: invokeWith(ports),
    describeAnswers,
    /** This test's state table. */
    table: (): MemoryStateTable => table,
  };
}
