import { DescribeTasksCommand, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { cloudFormationWait } from '../../src/run/deadline';
import { ecsTask, mockedAws, stubHappyPath, TASK_ARN } from '../support/aws-mocks';
import { fixtures, withProperties } from '../support/fixtures';
import { invokeWith } from '../support/invoke';

const aws = mockedAws();
const invoke = invokeWith(aws.ports);
/** The fake clock's start, when the runner receives the request: 2026-11-25 12:00:00 UTC. */
const RECEIVED_AT = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The request as CloudFormation signed it `minutesAgo` before the runner received it. */
function sentBefore<E extends { ResponseURL: string }>(event: E, minutesAgo: number): E {
  const signed = new Date(RECEIVED_AT - minutesAgo * 60_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
  return { ...event, ResponseURL: event.ResponseURL.replace(/X-Amz-Date=\d{8}T\d{6}Z/, `X-Amz-Date=${signed}`) };
}

beforeEach(() => stubHappyPath(aws));

describe("CloudFormation's wait, read from the ResponseURL", () => {
  const url = (query: string) =>
    `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/key?${query}`;

  it('is X-Amz-Date plus ServiceTimeout less the margin to answer (a tenth, 5 to 60 s)', () => {
    const sentAt = Date.UTC(2026, 10, 25, 11, 0, 0);
    expect(cloudFormationWait(url('X-Amz-Date=20261125T110000Z&X-Amz-Expires=7200'))).toEqual({
      sentAt,
      answerBy: sentAt + 3540_000,
      waitSeconds: 3600,
    });
    expect(cloudFormationWait(url('X-Amz-Date=20261125T110000Z'), 300)?.answerBy).toBe(sentAt + 270_000);
  });

  it('is unknown for a URL without a well-formed X-Amz-Date', () => {
    expect(cloudFormationWait('http://127.0.0.1:8080/response/1')).toBeUndefined();
    expect(cloudFormationWait(url('X-Amz-Date=2026-11-25T11:00:00Z'))).toBeUndefined();
    expect(cloudFormationWait('not a url')).toBeUndefined();
  });
});

describe('a request delivered late', () => {
  it("past CloudFormation's wait starts nothing and is answered FAILED, saying why", async () => {
    const { response, puts } = await invoke(sentBefore(fixtures.create(), 62));
    expect(puts).toHaveLength(1);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toBe(
      "Not started: CloudFormation sent this request at 2026-11-25T10:58:00.000Z (the ResponseURL's X-Amz-Date)" +
        ' and waits 3600 s for its answer (ServiceTimeout); it reached the runner 3720 s later, too late to run a' +
        " task (an SNS delay, or Lambda's asynchronous retries of a failed invocation). Run the stack operation again.",
    );
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(aws.ecs).not.toHaveReceivedCommand(ListTasksCommand);
  });

  it('counts the ServiceTimeout the template sets', async () => {
    const event = withProperties(sentBefore(fixtures.create(), 5), { ServiceTimeout: '300' });
    const { response } = await invoke(event);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^Not started: .* waits 300 s for its answer \(ServiceTimeout\)/);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
  });

  it('still in time gets only what is left of the wait, not a fresh hour', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const { response, clock, log } = await invoke(sentBefore(fixtures.create(), 50));
    expect(aws.ecs).toHaveReceivedCommandTimes(RunTaskCommand, 1);
    expect(aws.ecs).toHaveReceivedCommand(StopTaskCommand);
    expect(response?.Status).toBe('FAILED');
    expect(response?.Reason).toMatch(/^Timed out after 540 s waiting for task/);
    // Raising Timeout would not have helped: the Reason says why the time was short.
    expect(response?.Reason).toContain(
      "The request reached the runner 3000 s after CloudFormation sent it (an SNS delay, or Lambda's asynchronous" +
        " retries), so only 540 s of CloudFormation's 3600 s wait were left: run the stack operation again.",
    );
    expect(response?.Reason).not.toContain('Raise Timeout');
    // 59 minutes after CloudFormation sent it: a minute before its wait ends.
    expect(clock.now() - RECEIVED_AT).toBeLessThanOrEqual(540_000 + 5_000);
    expect(log.entries.map((entry) => entry.message)).toContain(
      "The request arrived late: the deadline is CloudFormation's (ResponseURL's X-Amz-Date + ServiceTimeout)",
    );
  });

  it('on time keeps the Timeout it asked for', async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    const event = withProperties(sentBefore(fixtures.create(), 1), { Timeout: '120' });
    const { response } = await invoke(event);
    expect(response?.Reason).toMatch(/^Timed out after 120 s waiting for task/);
  });

  it("on time with the default Timeout (CloudFormation's wait less the margin) is not called late", async () => {
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [ecsTask()] });
    // Signed in the second before the runner received it: X-Amz-Date counts whole seconds.
    const { response, log } = await invoke({
      ...fixtures.create(),
      ResponseURL: fixtures.create().ResponseURL.replace(/X-Amz-Date=\d{8}T\d{6}Z/, 'X-Amz-Date=20261125T115959Z'),
    });
    expect(response?.Reason).toMatch(/^Timed out after \d+ s waiting for task .* Raise Timeout \(and ServiceTimeout\)/);
    expect(log.entries.map((entry) => entry.message).join('\n')).not.toContain('arrived late');
  });

  it('that waited for an earlier run says so when its time ran out', async () => {
    const earlier = ecsTask({ taskArn: TASK_ARN.replace('0a1b2c3d', 'e1e2e3e4') });
    aws.ecs.on(ListTasksCommand).resolves({ taskArns: [earlier.taskArn as string] });
    aws.ecs.on(DescribeTasksCommand).resolves({ tasks: [earlier] });
    const event = withProperties(sentBefore(fixtures.update(), 55), { IfRunning: 'Wait' });
    const { response } = await invoke(event);
    expect(aws.ecs).not.toHaveReceivedCommand(RunTaskCommand);
    expect(response?.Reason).toMatch(
      /^Timed out after 240 s waiting for an earlier run .* nothing was started\. The request reached the runner 3300 s after/,
    );
  });
});
