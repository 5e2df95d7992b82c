import { GetFunctionRecursionConfigCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CLIENT_CONFIG } from './client-config';
import type { LambdaApi } from './ports';

export function createLambdaApi(client: LambdaClient = new LambdaClient(CLIENT_CONFIG)): LambdaApi {
  return {
    async invokeAsync(functionArn, payload) {
      const result = await client.send(
        new InvokeCommand({ FunctionName: functionArn, InvocationType: 'Event', Payload: Buffer.from(payload) }),
      );
      // An accepted asynchronous invocation answers 202; anything else means nobody will carry on.
      if (result.StatusCode !== 202) {
        throw new Error(
          `Lambda accepted the asynchronous invocation with status ${result.StatusCode ?? 'unknown'}, not 202`,
        );
      }
    },
    async recursiveLoop(functionName) {
      return (await client.send(new GetFunctionRecursionConfigCommand({ FunctionName: functionName }))).RecursiveLoop;
    },
  };
}
