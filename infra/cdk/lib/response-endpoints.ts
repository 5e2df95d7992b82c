import { Token } from 'aws-cdk-lib';

/** The environment variable the runner reads its extra response endpoints from (src/response/response-url.ts). */
export const EXTRA_ENDPOINTS_VARIABLE = 'RESPONSE_URL_EXTRA_ENDPOINTS';

/** A host name: dot-separated labels of letters, digits and inner dashes (as the runner checks it). */
const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
/** An S3 bucket name (S3 User Guide, "Bucket naming rules"): 3 to 63 lowercase letters, digits, dots and dashes. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Whether the runner takes `entry` as one `<S3 endpoint host>/<bucket>` pair. The runner's own check
 * (`extraResponseEndpoints` in src/response/response-url.ts) is not bundled into this package, so this is a copy of
 * its rule, and test/response-endpoints.test.ts checks that the two agree. A comma would split the entry in two.
 */
export function isResponseEndpoint(entry: string): boolean {
  if (entry.includes(',')) return false;
  const [host = '', bucket = '', ...rest] = entry.trim().toLowerCase().split('/');
  return rest.length === 0 && DNS_NAME.test(host) && host.includes('.') && BUCKET_NAME.test(bucket);
}

/**
 * The variable's value for `entries`, or an error naming the prop and the expected form. Values known only at
 * deploy time pass unchecked (the runner logs and ignores an entry it cannot read).
 */
export function extraEndpointsValue(
  path: string,
  entries: readonly string[],
): { kind: 'valid'; value: string } | { kind: 'invalid'; message: string } {
  const wrong = entries.filter((entry) => !Token.isUnresolved(entry) && !isResponseEndpoint(entry));
  if (wrong.length > 0) {
    return {
      kind: 'invalid',
      message: `${path}: each of \`extraResponseEndpoints\` must be <S3 endpoint host>/<bucket>, e.g. s3.example-region-1.example.cloud/cloudformation-custom-resource-response-exampleregion1; not ${wrong.map((entry) => JSON.stringify(entry)).join(', ')}`,
    };
  }
  return { kind: 'valid', value: entries.join(',') };
}
