/** The stack status during which a failed update's properties are being rolled back. */
export const UPDATE_ROLLBACK = 'UPDATE_ROLLBACK_IN_PROGRESS';

/** The stack status while a stack whose creation failed deletes what it created. */
export const CREATE_ROLLBACK = 'ROLLBACK_IN_PROGRESS';
