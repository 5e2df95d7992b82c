import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** What the alarms watch: the runner's function and where Lambda keeps the events it gave up on. */
export interface AlarmedRunner {
  readonly function: lambda.IFunction;
  readonly failedEvents: sqs.IQueue;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms on every way a request can be lost or late, as infra/task-runner.yml's: an event kept in the failed-events
 * queue, the function failing (it never throws by design, so an error is a crash or the 15-minute limit) or being
 * throttled, and a record Lambda could not deliver to the queue. Missing data is no data: an idle runner is not
 * alarming. Each notifies `topic` when given.
 */
export function createRunnerAlarms(scope: Construct, runner: AlarmedRunner, topic?: sns.ITopic): cloudwatch.Alarm[] {
  const alarm = (id: string, metric: cloudwatch.IMetric, alarmDescription: string): cloudwatch.Alarm => {
    const created = new cloudwatch.Alarm(scope, id, {
      metric,
      alarmDescription,
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (topic) created.addAlarmAction(new actions.SnsAction(topic));
    return created;
  };
  const sum = { statistic: cloudwatch.Stats.SUM, period: PERIOD };
  return [
    alarm(
      'FailedEventsAlarm',
      runner.failedEvents.metricApproximateNumberOfMessagesVisible({
        statistic: cloudwatch.Stats.MAXIMUM,
        period: PERIOD,
      }),
      'A request or hand-off of the ECS task runner was given up by Lambda and kept in its failed-events queue: its stack may be waiting for an answer. See docs/troubleshooting.md, "A request Lambda gave up on".',
    ),
    alarm(
      'ErrorsAlarm',
      runner.function.metricErrors(sum),
      "The ECS task runner's function failed (a crash or Lambda's 15-minute limit; the runner itself never fails an invocation). Lambda retries such an event twice, then keeps it in the failed-events queue.",
    ),
    alarm(
      'ThrottlesAlarm',
      runner.function.metricThrottles(sum),
      "The ECS task runner's function was throttled: Lambda retries throttled events for up to an hour, so stacks wait longer, and events still throttled then are kept in the failed-events queue.",
    ),
    alarm(
      'DestinationDeliveryFailuresAlarm',
      runner.function.metric('DestinationDeliveryFailures', sum),
      "Lambda could not keep a failed event of the ECS task runner in its failed-events queue (permissions, size): that event is gone. Read the runner's log for the request, and answer its stack by hand if it still waits.",
    ),
  ];
}
