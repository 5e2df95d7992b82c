import { emptyData, taskData } from '../../src/answers/task-attributes';
import { BUILT_IN_ATTRIBUTES } from '../../src/shared/attribute-names';
import { judgeTask } from '../../src/tasks/task-outcome';
import { stoppedTask, TASK_ARN } from '../support/aws-mocks';

const decided = (task: ReturnType<typeof stoppedTask>) => {
  const outcome = judgeTask(task, ['migrate']);
  if (outcome.kind !== 'decided') throw new Error('not decided');
  return outcome;
};

describe('the attributes Fn::GetAtt reads', () => {
  it("are the first task's, with every task's ARN, and the attempts", () => {
    const second = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
    expect(taskData([decided(stoppedTask(0)), decided(stoppedTask(1, { taskArn: second }))], { attempts: 2 })).toEqual({
      TaskArn: TASK_ARN,
      TaskArns: `${TASK_ARN},${second}`,
      TaskId: '0a1b2c3d4e5f46789abcdef012345678',
      ExitCode: '0',
      StopCode: 'EssentialContainerExited',
      StoppedReason: 'Essential container in task exited',
      Attempts: '2',
    });
  });

  it('are empty, every one of them, where nothing is known', () => {
    const neverRan = decided(
      stoppedTask(undefined, { stopCode: undefined, stoppedReason: undefined, lastStatus: 'STOPPED' }),
    );
    expect(taskData([neverRan], { attempts: 1 })).toMatchObject({ ExitCode: '', StopCode: '', StoppedReason: '' });
    expect(taskData([], { attempts: 1 })).toEqual({
      TaskArn: '',
      TaskArns: '',
      TaskId: '',
      ExitCode: '',
      StopCode: '',
      StoppedReason: '',
      Attempts: '1',
    });
  });

  it('are all present and empty, the declared Outputs after the built-in ones, when no task ran', () => {
    expect(emptyData(['SchemaVersion'])).toEqual(
      Object.fromEntries([...BUILT_IN_ATTRIBUTES, 'SchemaVersion'].map((key) => [key, ''])),
    );
    expect(Object.keys(emptyData())).toEqual([...BUILT_IN_ATTRIBUTES]);
  });
});
