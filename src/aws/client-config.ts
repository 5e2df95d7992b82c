/**
 * Settings every SDK client of the runner shares. The SDK has no request timeout by default: a call that never
 * answers would hold the invocation until Lambda kills it, and CloudFormation would get no answer. With these, a
 * hung call fails in seconds (and the SDK's standard retries still apply).
 */
export const CLIENT_CONFIG = {
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 20_000, throwOnRequestTimeout: true },
} as const;
