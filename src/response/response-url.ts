import { arnFields } from '../shared/arns';

/**
 * Where the runner may send an answer. By default only to CloudFormation's own response bucket for the runner's
 * region, `cloudformation-custom-resource-response-<region without dashes>`, on an S3 endpoint of the runner's own
 * partition and region, virtual-hosted or path-style:
 *
 * - `https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/…` (regional),
 *   `…-euwest1.s3-eu-west-1.amazonaws.com/…` (the older dash form), `…-useast1.s3.amazonaws.com/…` (the global
 *   endpoint, commercial partition only);
 * - dual-stack and FIPS: `…s3.dualstack.<region>.<suffix>`, `…s3-fips.<region>.<suffix>`,
 *   `…s3-fips.dualstack.<region>.<suffix>`;
 * - path-style, the bucket as the first path segment: `https://s3.us-east-1.amazonaws.com/cloudformation-…-useast1/…`;
 * - in every partition, under its own DNS suffix (`amazonaws.com.cn` in China, `amazonaws.eu`, `c2s.ic.gov`, …).
 *
 * Sources: AWS CloudFormation User Guide, "Custom resource request objects" (ResponseURL: "a presigned S3 URL") and
 * "Setting up VPC endpoints for AWS CloudFormation" (custom resources must reach CloudFormation-specific S3
 * buckets); the forms as real requests show them in public code (`…-useast1.s3.amazonaws.com`,
 * `…-euwest1.s3-eu-west-1.amazonaws.com`, and an SNS-delivered request in cn-north-1 with
 * `…-cnnorth1.s3.cn-north-1.amazonaws.com.cn`); S3 User Guide, "Virtual hosting of buckets", "Using Amazon S3
 * dual-stack endpoints" and FIPS endpoints; the partitions' DNS suffixes as the AWS SDK's partition table
 * (`partitions.json`) gives them — `test/response/response-url.test.ts` checks this table against the SDK's and
 * presigns PUTs with the SDK's own S3 endpoint rules in each partition. CloudFormation documents only examples of
 * its hosts, so the runner derives them rather than listing them. The ServiceToken must be in the stack's region
 * (AWS::CloudFormation::CustomResource, ServiceToken), so the bucket is the runner's own region's.
 *
 * Any other host is refused: S3 buckets, API Gateway and load balancer names under amazonaws.com belong to whoever
 * created them. A bucket name alone is not enough either: outside the commercial partition, the global endpoint
 * (no region in the host) would reach a commercial-partition bucket of the same name, which anyone may own.
 * A host the runner cannot derive (a partition newer than this table) is added with RESPONSE_URL_EXTRA_ENDPOINTS:
 * an S3 endpoint host and the bucket together, never a host alone, for the same reason.
 */

/** The environment variable that replaces the default with a list of host names (local tools, tests). */
export const ALLOWED_HOSTS_VARIABLE = 'RESPONSE_URL_ALLOWED_HOSTS';

/** The environment variable that adds S3 endpoints, each `<endpoint host>/<bucket>` (the template's ExtraResponseEndpoints). */
export const EXTRA_ENDPOINTS_VARIABLE = 'RESPONSE_URL_EXTRA_ENDPOINTS';

/** What the runner knows to decide where answers may go. */
export interface ResponseUrlPolicy {
  /** RESPONSE_URL_ALLOWED_HOSTS, comma-separated host names; blank or unset: CloudFormation's bucket only. */
  allowedHosts?: string | undefined;
  /** RESPONSE_URL_EXTRA_ENDPOINTS, comma-separated `<S3 endpoint host>/<bucket>`, accepted besides the derived ones. */
  extraEndpoints?: string | undefined;
  /** The runner function's own ARN: its partition and region name CloudFormation's bucket and its endpoints. */
  functionArn: string;
}

/** Allowed, with the parsed URL to PUT to; or refused, with why and the host (never the query string). */
export type ResponseUrlCheck = { kind: 'allowed'; url: URL } | { kind: 'refused'; problem: string; host?: string };

/**
 * Each partition's DNS suffix, from the AWS SDK's partition table (`partitions.json`, `outputs.dnsSuffix`); S3 keeps
 * its own dual-stack names (`s3.dualstack.<region>.<suffix>`), not the partition's `dualStackDnsSuffix`.
 */
export const PARTITION_DNS_SUFFIXES: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-eusc': 'amazonaws.eu',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-us-gov': 'amazonaws.com',
};

/** The only bucket CloudFormation presigns answers for in `region`. */
export function responseBucket(region: string): string {
  return `cloudformation-custom-resource-response-${region.replace(/-/g, '')}`;
}

/** An S3 endpoint host and the one bucket accepted on it. */
export interface ResponseEndpoint {
  host: string;
  bucket: string;
}

/**
 * The S3 endpoints CloudFormation's response bucket of `region` may be presigned on, in `partition`: regional
 * (dot and dash forms), dual-stack, FIPS and FIPS dual-stack; the global `s3.amazonaws.com` in the commercial
 * partition only. Undefined for a partition this table does not know.
 */
export function responseEndpoints(partition: string, region: string): ResponseEndpoint[] | undefined {
  const suffix = PARTITION_DNS_SUFFIXES[partition];
  if (suffix === undefined) return undefined;
  const bucket = responseBucket(region);
  const hosts = [
    `s3.${region}.${suffix}`,
    `s3-${region}.${suffix}`,
    `s3.dualstack.${region}.${suffix}`,
    `s3-fips.${region}.${suffix}`,
    `s3-fips.dualstack.${region}.${suffix}`,
    ...(partition === 'aws' ? [`s3.${suffix}`] : []),
  ];
  return hosts.map((host) => ({ host, bucket }));
}

/** RESPONSE_URL_EXTRA_ENDPOINTS read: the endpoints it adds, and the entries that are not `<host>/<bucket>`. */
export function extraResponseEndpoints(value: string | undefined): {
  endpoints: ResponseEndpoint[];
  ignored: string[];
} {
  const endpoints: ResponseEndpoint[] = [];
  const ignored: string[] = [];
  for (const entry of (value ?? '').split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const [host = '', bucket = '', ...rest] = entry.toLowerCase().split('/');
    if (rest.length === 0 && DNS_NAME.test(host) && host.includes('.') && BUCKET_NAME.test(bucket))
      endpoints.push({ host, bucket });
    else ignored.push(entry);
  }
  return { endpoints, ignored };
}

/** A host name: dot-separated labels of letters, digits and inner dashes. */
const DNS_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
/** An S3 bucket name (S3 User Guide, "Bucket naming rules"): 3 to 63 lowercase letters, digits, dots and dashes. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

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
      return refused(`The ResponseURL's host ${host} is not in ${ALLOWED_HOSTS_VARIABLE}`, host);
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(host))) return { kind: 'allowed', url };
    return refused(`The ResponseURL must use https (http only for loopback hosts), not ${url.protocol}`, host);
  }
  if (url.protocol !== 'https:') return refused(`The ResponseURL must use https, not ${url.protocol}`, host);
  const problem = notCloudFormationsBucket(url, host, policy);
  return problem === undefined ? { kind: 'allowed', url } : refused(problem, host);
}

function notCloudFormationsBucket(url: URL, host: string, policy: ResponseUrlPolicy): string | undefined {
  const fields = arnFields(policy.functionArn);
  if (!fields?.region) return `The runner cannot tell its own region from its ARN ${policy.functionArn}`;
  const { partition, region } = fields;
  const derived = responseEndpoints(partition, region) ?? [];
  const endpoints = [...derived, ...extraResponseEndpoints(policy.extraEndpoints).endpoints];
  const bucket = responseBucket(region);
  if (url.port === '' && url.username === '' && url.password === '' && endpoints.some((e) => onEndpoint(url, host, e)))
    return undefined;
  const unknownPartition =
    derived.length === 0
      ? ` (the runner does not know the S3 endpoints of partition ${partition}: add one with ${EXTRA_ENDPOINTS_VARIABLE}, the template's ExtraResponseEndpoints)`
      : '';
  return `The ResponseURL's host ${host} is not CloudFormation's response bucket ${bucket}${unknownPartition}`;
}

/** `url` reaches `endpoint`'s bucket: virtual-hosted (`<bucket>.<host>`) or path-style (`<host>/<bucket>/…`). */
function onEndpoint(url: URL, host: string, endpoint: ResponseEndpoint): boolean {
  if (host === `${endpoint.bucket}.${endpoint.host}`) return true;
  return host === endpoint.host && url.pathname.split('/')[1] === endpoint.bucket;
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

function refused(problem: string, host?: string): ResponseUrlCheck {
  return host === undefined ? { kind: 'refused', problem } : { kind: 'refused', problem, host };
}

/** `host` as URL.hostname gives it: an IPv6 address keeps its brackets. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
