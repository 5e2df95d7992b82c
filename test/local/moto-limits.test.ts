import type { Exchange } from '../../scripts/local/cloudformation';
import { motoLimitNotes } from '../../scripts/local/moto-limits';
import { fixtures } from '../support/fixtures';

/** The Reason the runner gives when moto answers RunTask with its HTML error page. */
const HTML_500_REASON =
  "RunTask failed: AWS answered HTTP 500 with a body that is not the API's (an error page from a proxy or load balancer?); it was retried while time allowed — try again later.";

function exchange(
  properties: Record<string, unknown>,
  reason: string,
  answer: Partial<NonNullable<Exchange['response']>> = {},
): Exchange {
  const request = fixtures.create();
  request.ResourceProperties = {
    ServiceToken: request.ServiceToken,
    Cluster: 'demo',
    TaskDefinition: 'migrate',
    ...properties,
  };
  const { StackId, RequestId, LogicalResourceId } = request;
  return {
    request,
    response: {
      Status: 'FAILED',
      Reason: reason,
      PhysicalResourceId: 'id',
      StackId,
      RequestId,
      LogicalResourceId,
      ...answer,
    },
    problems: [],
    invocations: [],
    elapsedMs: 500,
  };
}

describe('notes on where moto differs from ECS', () => {
  it('explains in one line the HTML 500 of a RunTask without LaunchType or capacity provider', () => {
    const notes = motoLimitNotes(exchange({}, HTML_500_REASON));

    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^moto, not the runner: RunTask without LaunchType or CapacityProviderStrategy fails in moto .* Set LaunchType: FARGATE to run it here\.$/,
    );
  });

  it('explains in one line that a missing subnet is refused differently by moto, saying what AWS would answer', () => {
    const notes = motoLimitNotes(
      exchange(
        { LaunchType: 'FARGATE' },
        "RunTask failed: InvalidSubnetID.NotFound: The subnet ID 'subnet-0123456789abcdef0' does not exist",
      ),
    );

    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^moto, not the runner: moto refuses a subnet that does not exist with EC2's own InvalidSubnetID\.NotFound, .* "Not started: Subnets: subnet-… does not exist in this account and region\." Check the subnet ID either way\.$/,
    );
  });

  it('says nothing when the request names a launch type, or the failure is another one', () => {
    expect(motoLimitNotes(exchange({ LaunchType: 'FARGATE' }, HTML_500_REASON))).toEqual([]);
    expect(
      motoLimitNotes(
        exchange({}, 'Not started: Subnets: subnet-0f1e2d3c4b5a69788 does not exist in this account and region'),
      ),
    ).toEqual([]);
  });

  it('says that a task which succeeded in moto was a stand-in: no container ran', () => {
    const ran = exchange({ LaunchType: 'FARGATE' }, '', {
      Status: 'SUCCESS',
      Data: { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/demo/0123', ExitCode: '0' },
    });

    expect(motoLimitNotes(ran)).toEqual([
      expect.stringMatching(/^moto, not the runner: moto's task is a stand-in, no container ran\. /),
    ]);
  });

  it('says nothing of a stand-in when no task ran (a Delete) or the run failed', () => {
    expect(motoLimitNotes(exchange({ LaunchType: 'FARGATE' }, '', { Status: 'SUCCESS', Data: {} }))).toEqual([]);
    expect(
      motoLimitNotes(
        exchange({ LaunchType: 'FARGATE' }, 'Essential container migrate exited with code 1', {
          Data: { TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/demo/0123' },
        }),
      ),
    ).toEqual([]);
  });
});
