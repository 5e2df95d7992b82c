/** The resource's ids that the answer-cloudformation specifications (create, update-and-delete, answer-cloudformation) share. */
import { TASK_ARN } from '../support/aws-mocks';
import { fixtures } from '../support/fixtures';

export const PHYSICAL_ID = fixtures.update().PhysicalResourceId;
export const SECOND_TASK = TASK_ARN.replace('0a1b2c3d', '9f8e7d6c');
