/** The resource's ids that the answer-cloudformation specifications (create, update-and-delete, answer-cloudformation) share. */
import { TASK_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';

export const PHYSICAL_ID = fixtures.update().PhysicalResourceId;
/** What a failed Create answers: the resource's ID, marked so that its Delete knows nothing was created. */
export const FAILED_CREATE_ID = `${PHYSICAL_ID}/create-failed`;
export const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
