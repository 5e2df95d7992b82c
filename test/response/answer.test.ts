import { MISSING_REASON, responseBody } from '../../src/response/answer';
import { fixtures } from '../support/fixtures';

const request = fixtures.create();
const protocolFields = {
  StackId: request.StackId,
  RequestId: request.RequestId,
  LogicalResourceId: request.LogicalResourceId,
};

describe('the response body for an answer', () => {
  it('a SUCCESS carries the request fields, the PhysicalResourceId and the Data, and no Reason when there is none', () => {
    expect(
      responseBody(request, { status: 'SUCCESS', data: { ExitCode: '0' } }, 'todobackend-MigrateTask-5902dbb1fe8e'),
    ).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'todobackend-MigrateTask-5902dbb1fe8e',
      ...protocolFields,
      Data: { ExitCode: '0' },
    });
  });

  it('a SUCCESS keeps a Reason it was given', () => {
    expect(
      responseBody(request, { status: 'SUCCESS', reason: 'RunOnUpdate is false: nothing was run' }, 'p'),
    ).toMatchObject({ Reason: 'RunOnUpdate is false: nothing was run' });
  });

  it('a FAILED answer always has a Reason, even when none was recorded', () => {
    const body = responseBody(request, { status: 'FAILED', reason: '' }, 'p');
    expect(body).toEqual({ Status: 'FAILED', Reason: MISSING_REASON, PhysicalResourceId: 'p', ...protocolFields });
    // CloudFormation refuses a FAILED response without a Reason; this one tells the reader where to look.
    expect(body.Reason).toMatch(/see its logs/);
  });
});
