import { arnFields } from '../shared/arns';

/**
 * Where the runner may send an answer. By default only to CloudFormation's own response bucket for the runner's
 * region, `cloudformation-custom-resource-response-<region without dashes>`, as CloudFormation presigns it:
 *
 * - virtual-hosted, global endpoint: `https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/…`
 * - virtual-hosted, regional endpoint (both spellings):
 *   `https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/…`,
 *   `https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/…`
 * - the China partition: `https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/…`
 * - path-style (the bucket as the first path segment), which S3 also serves:
 *   `https://s3.us-east-1.amazonaws.com/cloudformation-custom-resource-response-useast1/…`
 *
 * Sources: AWS CloudFormation User Guide, "Custom resource request objects" (ResponseURL: "a presigned S3 URL") and
 * "Setting up VPC endpoints for AWS CloudFormation" (custom resources must reach CloudFormation-specific S3
 * buckets); the forms above as real requests show them in public code (e.g. AWS samples and SDK tests quoting
 * `…-useast1.s3.amazonaws.com`, `…-euwest1.s3-eu-west-1.amazonaws.com`, `…-uswest2.s3-us-west-2.amazonaws.com`,
 * and an SNS-delivered request in cn-north-1 with `…-cnnorth1.s3.cn-north-1.amazonaws.com.cn`); S3 User Guide,
 * "Virtual hosting of buckets" / path-style requests. The ServiceToken must be in the stack's region
 * (AWS::CloudFormation::CustomResource, ServiceToken), so the bucket is the runner's own region's.
 *
 * Any other host under amazonaws.com is refused: S3 buckets, API Gateway and load balancer names there belong to
 * whoever created them. A bucket name alone is not enough either: outside the commercial partition, the global
 * endpoint (no region in the host) would reach a commercial-partition bucket of the same name, which anyone may own.
 */

/** The environment variable that replaces the default with a list of host names (local tools, tests). */
export const ALLOWED_HOSTS_VARIABLE = 'RESPONSE_URL_ALLOWED_HOSTS';

/** What the runner knows to decide where answers may go. */
export interface ResponseUrlPolicy {
  /** RESPONSE_URL_ALLOWED_HOSTS, comma-separated host names; blank or unset: CloudFormation's bucket only. */
  allowedHosts?: string | undefined;
  /** The runner function's own ARN: its partition and region name CloudFormation's bucket. */
  functionArn: string;
}

/** Allowed, with the parsed URL to PUT to; or refused, with why (naming the host, never the query string). */
export type ResponseUrlCheck = { kind: 'allowed'; url: URL } | { kind: 'refused'; problem: string };

const S3_HOST =
  /^(?:(?<bucket>[a-z0-9][a-z0-9.-]*)\.)?s3(?:[.-](?<region>[a-z]{2}(?:-[a-z]+)+-\d+))?\.amazonaws\.com(?<china>\.cn)?$/;

/** The only bucket CloudFormation presigns answers for in `region`. */
export function responseBucket(region: string): string {
  return `cloudformation-custom-resource-response-${region.replace(/-/g, '')}`;
}

export function checkResponseUrl(responseUrl: unknown, policy: ResponseUrlPolicy): ResponseUrlCheck {
  if (typeof responseUrl !== 'string') return refused('The request has no ResponseURL');
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return refused('The ResponseURL is not a valid URL');
  }
  const host = url.hostname.toLowerCase();
  const allowedHosts = policy.allowedHosts
    ?.split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
  if (allowedHosts && allowedHosts.length > 0) {
    if (!allowedHosts.includes(host))
      return refused(`The ResponseURL's host ${host} is not in ${ALLOWED_HOSTS_VARIABLE}`);
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(host))) return { kind: 'allowed', url };
    return refused(`The ResponseURL must use https (http only for loopback hosts), not ${url.protocol}`);
  }
  if (url.protocol !== 'https:') return refused(`The ResponseURL must use https, not ${url.protocol}`);
  const problem = notCloudFormationsBucket(url, host, policy.functionArn);
  return problem === undefined ? { kind: 'allowed', url } : refused(problem);
}

function notCloudFormationsBucket(url: URL, host: string, functionArn: string): string | undefined {
  const fields = arnFields(functionArn);
  if (!fields?.region) return `The runner cannot tell its own region from its ARN ${functionArn}`;
  const { partition, region } = fields;
  const expected = responseBucket(region);
  const notExpected = `The ResponseURL's host ${host} is not CloudFormation's response bucket ${expected}`;
  const match = S3_HOST.exec(host);
  if (!match?.groups || url.port !== '' || url.username !== '' || url.password !== '') return notExpected;
  const { bucket, region: hostRegion, china } = match.groups;
  const named = bucket ?? url.pathname.split('/')[1];
  if (named !== expected) return notExpected;
  if ((china !== undefined) !== region.startsWith('cn-')) return notExpected;
  if (hostRegion === undefined ? partition !== 'aws' : hostRegion !== region) return notExpected;
  return undefined;
}

/** The URL without its query string (the presigned signature), for logs. */
export function redactUrl(responseUrl: unknown): string {
  if (typeof responseUrl !== 'string') return String(responseUrl);
  try {
    const url = new URL(responseUrl);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function refused(problem: string): ResponseUrlCheck {
  return { kind: 'refused', problem };
}

/** `host` as URL.hostname gives it: an IPv6 address keeps its brackets. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
