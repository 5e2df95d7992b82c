import { StackStatus } from '@aws-sdk/client-cloudformation';
import { stackStance } from '../../../src/run/checks/stack-status';

/** Every status the API names, and whether a Create / an Update / an Update with RunOnRollback may start in it. */
const WAITS: Record<StackStatus, [create: boolean, update: boolean, updateRunOnRollback: boolean]> = {
  CREATE_IN_PROGRESS: [true, true, true],
  UPDATE_IN_PROGRESS: [true, true, true],
  UPDATE_ROLLBACK_IN_PROGRESS: [false, false, true],
  REVIEW_IN_PROGRESS: [true, true, true],
  IMPORT_IN_PROGRESS: [true, true, true],
  ROLLBACK_IN_PROGRESS: [false, false, false],
  IMPORT_ROLLBACK_IN_PROGRESS: [false, false, false],
  DELETE_IN_PROGRESS: [false, false, false],
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: [false, false, false],
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: [false, false, false],
  CREATE_COMPLETE: [false, false, false],
  CREATE_FAILED: [false, false, false],
  DELETE_COMPLETE: [false, false, false],
  DELETE_FAILED: [false, false, false],
  IMPORT_COMPLETE: [false, false, false],
  IMPORT_ROLLBACK_COMPLETE: [false, false, false],
  IMPORT_ROLLBACK_FAILED: [false, false, false],
  ROLLBACK_COMPLETE: [false, false, false],
  ROLLBACK_FAILED: [false, false, false],
  UPDATE_COMPLETE: [false, false, false],
  UPDATE_FAILED: [false, false, false],
  UPDATE_ROLLBACK_COMPLETE: [false, false, false],
  UPDATE_ROLLBACK_FAILED: [false, false, false],
};

describe('whether CloudFormation still waits for a Create or Update, by its stack status', () => {
  it('covers every status of the API', () => {
    expect(Object.keys(WAITS).sort()).toEqual(Object.values(StackStatus).sort());
  });

  it.each(Object.entries(WAITS))('%s', (status, [create, update, updateRunOnRollback]) => {
    const waits = (requestType: 'Create' | 'Update', runOnRollback: boolean) =>
      stackStance(requestType, status, runOnRollback).kind === 'waits';
    expect([waits('Create', false), waits('Update', false), waits('Update', true)]).toEqual([
      create,
      update,
      updateRunOnRollback,
    ]);
    // RunOnRollback never changes a Create: a rollback creates nothing.
    expect(waits('Create', true)).toBe(create);
  });

  it('says why in words for the Reason, with the status', () => {
    expect(stackStance('Create', 'UPDATE_ROLLBACK_IN_PROGRESS', true)).toEqual({
      kind: 'moved-on',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      why: 'the update that added this resource failed, and is being rolled back',
    });
    expect(stackStance('Update', 'UPDATE_COMPLETE', false)).toEqual({
      kind: 'moved-on',
      status: 'UPDATE_COMPLETE',
      why: 'the stack operation this request belonged to has ended',
    });
    expect(stackStance('Create', 'IMPORT_ROLLBACK_IN_PROGRESS', false)).toMatchObject({
      why: 'the stack is rolling back an import',
    });
  });

  it('does not take a status it does not know for a cancellation', () => {
    expect(stackStance('Create', 'SOME_NEW_IN_PROGRESS', false)).toEqual({ kind: 'waits' });
  });
});
