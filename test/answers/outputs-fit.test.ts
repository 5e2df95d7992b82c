import { checkOutputsFit, outputsThatDoNotFit, roomForOutputValues } from '../../src/answers/outputs-fit';
import { parseRunnerProperties } from '../../src/properties/runner-properties';
import { answerBody } from '../../src/response/answer';
import { taskData } from '../../src/answers/task-attributes';
import { judgeTask } from '../../src/tasks/task-outcome';
import { stoppedTask, TASK_DEFINITION_ARN } from '../support/aws-mocks';
import { RecordingLog } from '../support/fakes';
import { fixtures } from '../support/fixtures';

const request = fixtures.create();
const run = {
  outputs: ['SchemaVersion'],
  count: 1,
  attempts: 1,
  cluster: 'todobackend-cluster',
  taskDefinitionArn: TASK_DEFINITION_ARN,
};
const TASK_ARN_BYTES = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/'.length + 32;

function properties(outputs: string[], extra: Record<string, string> = {}) {
  const parsed = parseRunnerProperties({ ...request.ResourceProperties, ...extra });
  if (parsed.kind === 'invalid') throw new Error('invalid properties');
  return { ...parsed.properties, outputs };
}

describe("the room the Outputs' values have", () => {
  it('is what a typical successful answer leaves, to the byte', () => {
    const task = judgeTask(stoppedTask(0), ['migrate']);
    if (task.kind !== 'decided') throw new Error('not decided');
    const body = answerBody(request, {
      status: 'SUCCESS',
      data: taskData([task], { attempts: 1, outputs: { SchemaVersion: '' } }),
    });
    expect(roomForOutputValues(request, run)).toBe(4096 - Buffer.byteLength(JSON.stringify(body)));
  });

  it('shrinks by one task ARN and a comma for each task of the Count', () => {
    expect(roomForOutputValues(request, { ...run, count: 2 })).toBe(
      roomForOutputValues(request, run) - TASK_ARN_BYTES - 1,
    );
    expect(roomForOutputValues(request, { ...run, count: 3 })).toBe(
      roomForOutputValues(request, run) - 2 * (TASK_ARN_BYTES + 1),
    );
  });

  it('shrinks by each declared name with its quotes, colon and comma', () => {
    expect(roomForOutputValues(request, { ...run, outputs: ['SchemaVersion', 'TenantId'] })).toBe(
      roomForOutputValues(request, run) - '"TenantId":"",'.length,
    );
  });

  it("counts task ARNs shaped from the task definition's region and account and the cluster's name", () => {
    const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/todobackend-cluster';
    expect(roomForOutputValues(request, { ...run, cluster: clusterArn })).toBe(roomForOutputValues(request, run));
    // The ARN is in TaskArn and in TaskArns.
    expect(roomForOutputValues(request, { ...run, cluster: 'todobackend-cluster-2' })).toBe(
      roomForOutputValues(request, run) - 2 * 2,
    );
    expect(
      roomForOutputValues(request, {
        ...run,
        taskDefinitionArn: TASK_DEFINITION_ARN.replace('us-east-1', 'ap-southeast-2'),
      }),
    ).toBe(roomForOutputValues(request, run) - 2 * 5);
  });

  it('counts the attempts StartRetries allows', () => {
    expect(roomForOutputValues(request, { ...run, attempts: 10 })).toBe(roomForOutputValues(request, run) - 1);
  });
});

describe('declared Outputs that cannot fit', () => {
  /** Names that leave exactly `room` bytes for their values. */
  function namesLeaving(room: number): string[] {
    const filler = (length: number) => `N${'x'.repeat(length - 1)}`;
    const base = roomForOutputValues(request, { ...run, outputs: [] });
    const names: string[] = [];
    let left = base;
    while (left - room > 300) {
      const name = filler(200 - 10) + String(names.length).padStart(10, '0');
      names.push(name);
      left -= name.length + 6;
    }
    names.push(filler(left - room - 6));
    expect(roomForOutputValues(request, { ...run, outputs: names })).toBe(room);
    return names;
  }

  it('are refused only when even empty values would not fit', () => {
    const log = new RecordingLog();
    expect(checkOutputsFit(request, properties(namesLeaving(0)), TASK_DEFINITION_ARN, log)).toEqual({ kind: 'fits' });
    expect(
      log.entries.find((entry) => entry.message === "Room left in the response for the Outputs' values")?.extra[0],
    ).toMatchObject({ bytes: 0 });
    const names = namesLeaving(-1);
    expect(checkOutputsFit(request, properties(names), TASK_DEFINITION_ARN, log)).toEqual({
      kind: 'refused',
      reason: `Not started: Outputs: the ${names.length} declared names do not fit CloudFormation's 4096-byte response even with empty values (1 bytes over, with 1 task ARN) — declare fewer or shorter names, or lower Count.`,
    });
  });

  it('are nothing to refuse when none are declared', () => {
    const parsed = parseRunnerProperties(request.ResourceProperties);
    if (parsed.kind === 'invalid') throw new Error('invalid properties');
    expect(checkOutputsFit(request, parsed.properties, TASK_DEFINITION_ARN, new RecordingLog())).toEqual({
      kind: 'fits',
    });
  });
});

describe('printed values that do not fit', () => {
  const answerWith = (outputs: Record<string, string>) => ({
    status: 'SUCCESS' as const,
    data: { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b', ...outputs },
  });

  it('are none when the answer fits', () => {
    const outputs = { SchemaVersion: '0042', Report: 'x'.repeat(3000) };
    expect(outputsThatDoNotFit(request, answerWith(outputs), outputs)).toEqual([]);
  });

  it('are the largest first, as few as make the answer fit', () => {
    const outputs = { Small: 'x'.repeat(10), Large: 'y'.repeat(2500), Medium: 'z'.repeat(2000) };
    expect(outputsThatDoNotFit(request, answerWith(outputs), outputs)).toEqual(['Large']);
    const more = { ...outputs, Medium: 'z'.repeat(2400), Other: 'o'.repeat(1500) };
    expect(outputsThatDoNotFit(request, answerWith(more), more)).toEqual(['Large', 'Medium']);
  });

  it("free exactly their value's bytes when left out: one byte over after the largest, the next goes too", () => {
    const empty = Buffer.byteLength(JSON.stringify(answerBody(request, answerWith({ Large: '', Medium: '' }))));
    const medium = 4096 - empty;
    const fitsWithoutLarge = { Large: 'y'.repeat(medium + 100), Medium: 'z'.repeat(medium) };
    expect(outputsThatDoNotFit(request, answerWith(fitsWithoutLarge), fitsWithoutLarge)).toEqual(['Large']);
    const oneByteOver = { Large: 'y'.repeat(medium + 100), Medium: 'z'.repeat(medium + 1) };
    expect(outputsThatDoNotFit(request, answerWith(oneByteOver), oneByteOver)).toEqual(['Large', 'Medium']);
  });

  it('are measured as the JSON body holds them, escapes included', () => {
    // 1200 quote characters take 2400 bytes escaped: more than 2000 plain ones.
    const outputs = { Quoted: '"'.repeat(1200), Plain: 'p'.repeat(2000) };
    expect(outputsThatDoNotFit(request, answerWith(outputs), outputs)).toEqual(['Quoted']);
  });
});
