import { type RunState, startedTasks } from '../../src/run/run-state';

const TASK = 'arn:aws:ecs:us-east-1:123456789012:task/todobackend-cluster/0a1b2c3d4e5f46789abcdef012345678';

describe('startedTasks: what a failed hand-off must stop', () => {
  it.each<{ what: string; state: RunState; stops: string[] }>([
    { what: 'the tasks being watched', state: { kind: 'watching', taskArns: [TASK], startedAt: 0 }, stops: [TASK] },
    {
      what: 'the tasks of a parked run',
      state: { kind: 'parked', taskArns: [TASK], startedAt: 0, parkedAt: 1 },
      stops: [TASK],
    },
    {
      what: "nothing of an earlier run's tasks (not the run's to stop)",
      state: { kind: 'waiting-for-earlier-run', taskArns: [TASK] },
      stops: [],
    },
    { what: 'nothing before RunTask', state: { kind: 'starting', count: 1, notBefore: 0 }, stops: [] },
    {
      what: 'nothing while the Outputs are read (the tasks stopped)',
      state: { kind: 'reading-outputs', tasks: [], stoppedAt: 0 },
      stops: [],
    },
  ])('$what', ({ state, stops }) => {
    expect(startedTasks(state)).toEqual(stops);
  });
});
