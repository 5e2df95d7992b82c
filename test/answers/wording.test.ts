import {
  cancellationWords,
  cleanupWords,
  outputsTooLarge,
  RERUN_ON_NOTHING_CHANGED,
  recursionStoppedHandOff,
  statusUnread,
} from '../../src/answers/wording';
import { TASK_ARN } from '../support/aws-mocks';

/**
 * The words of the Reasons whose plural and punctuation the behaviour specifications (one task each) do not reach:
 * what an operator reads when several tasks are involved, and every fix a Reason offers.
 */
const SECOND_ARN = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
const FIRST_ID = '0a1b2c3d4e5f46789abcdef012345678';
const SECOND_ID = '9f8e7d6c4e5f46789abcdef012345678';

describe('the words of a Reason', () => {
  it('end a failure that already ends in a full stop with one full stop, not two', () => {
    expect(statusUnread(120_000, 'DescribeTasks failed: AccessDeniedException. Grant ecs:DescribeTasks.')).toBe(
      'Their status could not be read for the last 120 s before the deadline: DescribeTasks failed:' +
        ' AccessDeniedException. Grant ecs:DescribeTasks.',
    );
    expect(statusUnread(60_400, 'DescribeTasks failed: ThrottlingException: Rate exceeded')).toMatch(
      /last 60 s before the deadline: DescribeTasks failed: ThrottlingException: Rate exceeded\.$/,
    );
  });

  it('list every task a Delete stopped and every one already stopping, each group as a sentence', () => {
    expect(cleanupWords.stopped([TASK_ARN, SECOND_ARN], [TASK_ARN.replace('0a1b', 'ffff')])).toBe(
      `Stopped 2 task(s) still running: ${FIRST_ID}, ${SECOND_ID}.` +
        ` 1 task(s) already stopping: ffff2c3d4e5f46789abcdef012345678.`,
    );
    expect(cleanupWords.stopped([TASK_ARN], [SECOND_ARN])).toBe(
      `Stopped 1 task(s) still running: ${FIRST_ID}. 1 task(s) already stopping: ${SECOND_ID}.`,
    );
    expect(cleanupWords.stopped([], [TASK_ARN, SECOND_ARN])).toBe(
      `2 task(s) already stopping: ${FIRST_ID}, ${SECOND_ID}.`,
    );
    expect(cleanupWords.stopped([], [])).toBe('No task of this resource was running.');
  });

  it('say "tasks … them" when a second listing found several', () => {
    expect(cleanupWords.foundLate([TASK_ARN, SECOND_ARN], 10)).toBe(
      `Tasks ${FIRST_ID}, ${SECOND_ID} had just started: ECS listed them only on a second look, 10 s after the Delete` +
        ' was sent.',
    );
  });

  it('name every task stopped because the stack moved on while RunTask was called', () => {
    expect(
      cancellationWords.stoppedJustStarted(
        'todobackend',
        { status: 'UPDATE_ROLLBACK_IN_PROGRESS', why: 'the update failed' },
        'Update',
        [TASK_ARN, SECOND_ARN],
      ),
    ).toBe(
      `Stopped 2 task(s) just started (${FIRST_ID}, ${SECOND_ID}): stack todobackend became` +
        ' UPDATE_ROLLBACK_IN_PROGRESS while RunTask was called (the update failed), so CloudFormation no longer waits' +
        ' for this Update.',
    );
  });

  it('name every Output too large to answer, with its size', () => {
    expect(
      outputsTooLarge(
        2,
        [
          { name: 'Report', bytes: 3000 },
          { name: 'Plan', bytes: 2000 },
        ],
        4096,
      ),
    ).toMatch(/^The tasks succeeded, but the printed value of Outputs Report \(3000 bytes\), Plan \(2000 bytes\) does/);
  });

  it('offer both fixes when recursive loop detection stopped the hand-off', () => {
    expect(recursionStoppedHandOff(16)).toMatch(
      /after 16 hand-off\(s\).*the tasks were stopped\. Set RecursiveLoop: Allow on the runner function .*, or raise its Timeout so that fewer hand-offs are needed\.$/,
    );
  });

  it('say which changes make an Update with RerunOn TaskChange run again', () => {
    expect(RERUN_ON_NOTHING_CHANGED).toBe(
      'RerunOn is TaskChange and this update changes nothing that decides what runs (task definition, overrides,' +
        ' network, launch settings, count, Triggers): no task was run.',
    );
  });
});
