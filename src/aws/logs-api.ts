import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CLIENT_CONFIG } from './client-config';
import type { LogsApi } from './ports';

/** A task's logs may live in another region than the function (the awslogs-region option): one client each. */
export function createLogsApi(clientFor: (region: string) => CloudWatchLogsClient = defaultClient()): LogsApi {
  return {
    async lastLines(region, logGroupName, logStreamName, limit) {
      const result = await clientFor(region).send(
        new GetLogEventsCommand({ logGroupName, logStreamName, limit, startFromHead: false }),
      );
      return (result.events ?? []).flatMap((event) => (event.message === undefined ? [] : [event.message]));
    },
    async pageBackward(region, logGroupName, logStreamName, backwardToken) {
      // startFromHead false: the newest events first, and backward tokens (only forward tokens need it true).
      const result = await clientFor(region).send(
        new GetLogEventsCommand({
          logGroupName,
          logStreamName,
          startFromHead: false,
          ...(backwardToken ? { nextToken: backwardToken } : {}),
        }),
      );
      return {
        events: (result.events ?? []).flatMap((event) =>
          event.message === undefined ? [] : [{ message: event.message, timestamp: event.timestamp ?? 0 }],
        ),
        ...(result.nextBackwardToken ? { nextBackwardToken: result.nextBackwardToken } : {}),
      };
    },
  };
}

function defaultClient(): (region: string) => CloudWatchLogsClient {
  const clients = new Map<string, CloudWatchLogsClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new CloudWatchLogsClient({ ...CLIENT_CONFIG, region });
      clients.set(region, client);
    }
    return client;
  };
}
