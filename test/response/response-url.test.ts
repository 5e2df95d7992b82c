import { awsEndpointFunctions } from '@aws-sdk/core/client';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  checkResponseUrl,
  extraResponseEndpoints,
  PARTITION_DNS_SUFFIXES,
  redactUrl,
  responseBucket,
  type ResponseUrlCheck,
} from '../../src/response/response-url';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:runner';
const S3 = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn/x?X-Amz-Signature=abc';

/** The check as a runner function in `functionArn` makes it, with RESPONSE_URL_ALLOWED_HOSTS `allowedHosts`. */
function check(
  url: unknown,
  allowedHosts?: string,
  functionArn = FUNCTION_ARN,
  extraEndpoints?: string,
): ResponseUrlCheck {
  return checkResponseUrl(url, { allowedHosts, functionArn, extraEndpoints });
}

function allowedUrl(url: unknown, allowedHosts?: string, functionArn = FUNCTION_ARN): URL {
  const result = check(url, allowedHosts, functionArn);
  if (result.kind !== 'allowed') throw new Error(`refused: ${result.problem}`);
  return result.url;
}

function problemOf(url: unknown, allowedHosts?: string, functionArn = FUNCTION_ARN, extraEndpoints?: string): string {
  const result = check(url, allowedHosts, functionArn, extraEndpoints);
  if (result.kind !== 'refused') throw new Error(`allowed: ${String(url)}`);
  return result.problem;
}

describe("CloudFormation's response bucket, the default", () => {
  it('names the bucket after the region without dashes', () => {
    expect(responseBucket('us-east-1')).toBe('cloudformation-custom-resource-response-useast1');
    expect(responseBucket('cn-north-1')).toBe('cloudformation-custom-resource-response-cnnorth1');
    expect(responseBucket('us-gov-west-1')).toBe('cloudformation-custom-resource-response-usgovwest1');
  });

  it.each([
    ['global endpoint', S3, FUNCTION_ARN],
    [
      'regional endpoint with a dash',
      'https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack/app/guid%7CMigrate%7Creq?X-Amz-Signature=abc',
      'arn:aws:lambda:eu-west-1:123456789012:function:runner',
    ],
    [
      'regional endpoint with a dot',
      'https://cloudformation-custom-resource-response-uswest2.s3.us-west-2.amazonaws.com/key?X-Amz-Signature=abc',
      'arn:aws:lambda:us-west-2:123456789012:function:runner',
    ],
    [
      'path-style',
      'https://s3.us-east-1.amazonaws.com/cloudformation-custom-resource-response-useast1/key?X-Amz-Signature=abc',
      FUNCTION_ARN,
    ],
    [
      'path-style, global endpoint',
      'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/key?X-Amz-Signature=abc',
      FUNCTION_ARN,
    ],
    [
      'China partition',
      'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/key?X-Amz-Signature=abc',
      'arn:aws-cn:lambda:cn-north-1:123456789012:function:runner',
    ],
    [
      'GovCloud, regional endpoint',
      'https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com/key?X-Amz-Signature=abc',
      'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:runner',
    ],
  ])('accepts the %s form', (_form, url, functionArn) => {
    expect(allowedUrl(url, undefined, functionArn).href).toBe(url);
  });

  it.each([
    ['another bucket on S3', 'https://attacker-bucket.s3.amazonaws.com/x?X-Amz-Signature=abc'],
    ['another bucket, path-style', 'https://s3.us-east-1.amazonaws.com/attacker-bucket/x'],
    ["another region's response bucket", 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x'],
    ['a look-alike bucket name', 'https://cloudformation-custom-resource-response-useast1x.s3.amazonaws.com/x'],
    [
      'the bucket behind another region in the host',
      'https://cloudformation-custom-resource-response-useast1.s3.eu-west-1.amazonaws.com/x',
    ],
    ['an API Gateway host', 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/x'],
    ['a load balancer host', 'https://my-alb-123.us-east-1.elb.amazonaws.com/x'],
    ['an EC2 host', 'https://ec2-203-0-113-25.compute-1.amazonaws.com/x'],
    [
      'a host that only starts like AWS',
      'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.evil.example/x',
    ],
    ['a look-alike domain', 'https://cloudformation-custom-resource-response-useast1.s3.evil-amazonaws.com/x'],
    ['another port', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443/x'],
    ['credentials in the URL', 'https://user:pw@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x'],
    ['a user name alone in the URL', 'https://user@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x'],
    ['a password alone in the URL', 'https://:pw@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x'],
    [
      'a host that only ends like S3, with the bucket in the path',
      'https://evils3.amazonaws.com/cloudformation-custom-resource-response-useast1/x',
    ],
    [
      'the China domain outside China',
      'https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com.cn/x',
    ],
  ])('refuses %s, naming the host', (_what, url) => {
    expect(problemOf(url)).toContain(`${new URL(url).hostname.toLowerCase()} is not CloudFormation's response bucket`);
  });

  it('refuses the global endpoint outside the commercial partition, where a bucket of that name may be anyone’s', () => {
    const govCloud = 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:runner';
    expect(
      problemOf('https://cloudformation-custom-resource-response-usgovwest1.s3.amazonaws.com/x', undefined, govCloud),
    ).toContain('is not CloudFormation');
  });

  it.each([
    ['http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', 'must use https'],
    ['not a url', 'not a valid URL'],
    ['http://127.0.0.1:9000/x', 'must use https'],
  ])('refuses %s', (url, message) => {
    expect(problemOf(url)).toContain(message);
  });

  it('refuses everything when the runner cannot tell its region', () => {
    expect(problemOf(S3, undefined, 'not-an-arn')).toContain('cannot tell its own region');
  });

  it('never repeats the query string in the problem', () => {
    expect(problemOf('https://attacker.s3.amazonaws.com/x?X-Amz-Signature=secret')).not.toContain('secret');
  });
});

/** One region of each partition the SDK knows, with the partition's id. */
const PARTITION_REGIONS: [partition: string, region: string][] = [
  ['aws', 'eu-central-1'],
  ['aws-cn', 'cn-northwest-1'],
  ['aws-eusc', 'eusc-de-east-1'],
  ['aws-iso', 'us-iso-east-1'],
  ['aws-iso-b', 'us-isob-east-1'],
  ['aws-iso-e', 'eu-isoe-west-1'],
  ['aws-iso-f', 'us-isof-south-1'],
  ['aws-us-gov', 'us-gov-east-1'],
];

/** The SDK's partition of `region`, from its partition table (the function its endpoint rules call). */
function sdkPartition(region: string): { name: string; dnsSuffix: string } {
  const partition = awsEndpointFunctions.partition;
  if (partition === undefined) throw new Error("The SDK's endpoint functions have no partition()");
  return partition(region) as unknown as { name: string; dnsSuffix: string };
}

/**
 * A PUT presigned by the SDK's own S3 endpoint rules, as CloudFormation presigns its ResponseURL; undefined for a
 * form the partition does not offer (the rules refuse it: S3 has no FIPS endpoints in China).
 */
async function presignedPut(
  region: string,
  bucket: string,
  options: { fips: boolean; dualStack: boolean; pathStyle: boolean },
): Promise<string | undefined> {
  const client = new S3Client({
    region,
    useFipsEndpoint: options.fips,
    useDualstackEndpoint: options.dualStack,
    forcePathStyle: options.pathStyle,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    return await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: bucket, Key: 'arn:aws:cloudformation/x|Migrate|req' }),
    );
  } catch (error) {
    // Checked by name: jest's module registry can give the SDK's errors another realm's Error.
    if ((error as { name?: unknown }).name === 'EndpointError') return undefined;
    throw error;
  }
}

const FORMS = [false, true].flatMap((fips) =>
  [false, true].flatMap((dualStack) => [false, true].map((pathStyle) => ({ fips, dualStack, pathStyle }))),
);

describe('every partition', () => {
  it("knows each partition's DNS suffix as the SDK's partition table gives it, and every partition the SDK knows", () => {
    for (const [partition, region] of PARTITION_REGIONS) {
      const sdk = sdkPartition(region);
      expect({ partition: sdk.name, suffix: sdk.dnsSuffix }).toEqual({
        partition,
        suffix: PARTITION_DNS_SUFFIXES[partition],
      });
    }
    expect(Object.keys(PARTITION_DNS_SUFFIXES).sort()).toEqual(
      PARTITION_REGIONS.map(([partition]) => partition).sort(),
    );
  });

  it.each(PARTITION_REGIONS)(
    'accepts in %s (%s) every form the SDK presigns: regional, dual-stack, FIPS, virtual-hosted and path-style',
    async (partition, region) => {
      const functionArn = `arn:${partition}:lambda:${region}:123456789012:function:runner`;
      let offered = 0;
      for (const form of FORMS) {
        const url = await presignedPut(region, responseBucket(region), form);
        if (url === undefined) continue;
        offered += 1;
        expect({ form, result: check(url, undefined, functionArn).kind }).toEqual({ form, result: 'allowed' });
      }
      expect(offered).toBeGreaterThanOrEqual(4);
    },
  );

  it.each(PARTITION_REGIONS)(
    'refuses in %s (%s) another bucket on the same endpoints, and the bucket of another region',
    async (partition, region) => {
      const functionArn = `arn:${partition}:lambda:${region}:123456789012:function:runner`;
      for (const form of FORMS) {
        const other = await presignedPut(region, 'cloudformation-custom-resource-response-attacker', form);
        if (other === undefined) continue;
        expect({ form, result: check(other, undefined, functionArn).kind }).toEqual({ form, result: 'refused' });
      }
      const elsewhere = await presignedPut('us-west-2', responseBucket('us-west-2'), {
        fips: false,
        dualStack: false,
        pathStyle: false,
      });
      expect(problemOf(elsewhere, undefined, functionArn)).toContain(
        `is not CloudFormation's response bucket ${responseBucket(region)}`,
      );
    },
  );

  it('refuses the endpoints of one partition for a runner in another with the same region prefix', () => {
    const govCloud = 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:runner';
    const china = `https://${responseBucket('us-gov-west-1')}.s3.us-gov-west-1.amazonaws.com.cn/x`;
    expect(problemOf(china, undefined, govCloud)).toContain('is not CloudFormation');
  });

  it('names the way out in a partition it does not know', () => {
    const future = 'arn:aws-future:lambda:fu-north-1:123456789012:function:runner';
    const url = `https://${responseBucket('fu-north-1')}.s3.fu-north-1.example.cloud/x?X-Amz-Signature=abc`;
    expect(problemOf(url, undefined, future)).toBe(
      `The ResponseURL's host ${responseBucket('fu-north-1')}.s3.fu-north-1.example.cloud is not CloudFormation's ` +
        `response bucket ${responseBucket('fu-north-1')} (the runner does not know the S3 endpoints of partition ` +
        "aws-future: add one with RESPONSE_URL_EXTRA_ENDPOINTS, the template's ExtraResponseEndpoints)",
    );
    expect(check(url, undefined, future)).toMatchObject({
      host: `${responseBucket('fu-north-1')}.s3.fu-north-1.example.cloud`,
    });
  });
});

describe('RESPONSE_URL_EXTRA_ENDPOINTS', () => {
  const future = 'arn:aws-future:lambda:fu-north-1:123456789012:function:runner';
  const bucket = responseBucket('fu-north-1');
  const extra = ` s3.fu-north-1.example.cloud/${bucket} ,S3.Other.Example/${bucket}`;

  it('adds an endpoint with its one bucket, virtual-hosted and path-style, over https only', () => {
    expect(check(`https://${bucket}.s3.fu-north-1.example.cloud/x`, undefined, future, extra).kind).toBe('allowed');
    expect(check(`https://s3.fu-north-1.example.cloud/${bucket}/x`, undefined, future, extra).kind).toBe('allowed');
    expect(check(`https://s3.other.example/${bucket}/x`, undefined, future, extra).kind).toBe('allowed');
    expect(problemOf(`http://s3.other.example/${bucket}/x`, undefined, future, extra)).toContain('must use https');
  });

  it('never allows another bucket on an added endpoint, nor the endpoint as a bucket name', () => {
    expect(check('https://attacker.s3.fu-north-1.example.cloud/x', undefined, future, extra).kind).toBe('refused');
    expect(check('https://s3.fu-north-1.example.cloud/attacker/x', undefined, future, extra).kind).toBe('refused');
    expect(check(`https://s3.fu-north-1.example.cloud:8443/${bucket}/x`, undefined, future, extra).kind).toBe(
      'refused',
    );
  });

  it('adds to the derived endpoints without replacing them', () => {
    expect(check(S3, undefined, FUNCTION_ARN, `s3.other.example/${bucket}`).kind).toBe('allowed');
  });

  it('reports the entries that are not <host>/<bucket>, a host alone among them', () => {
    expect(
      extraResponseEndpoints(`s3.other.example, s3.other.example/${bucket}/more,/b, s3.x.example/B_b, a/bucket,`),
    ).toEqual({
      endpoints: [],
      ignored: ['s3.other.example', `s3.other.example/${bucket}/more`, '/b', 's3.x.example/B_b', 'a/bucket'],
    });
    expect(extraResponseEndpoints(undefined)).toEqual({ endpoints: [], ignored: [] });
    expect(extraResponseEndpoints(extra).endpoints).toEqual([
      { host: 's3.fu-north-1.example.cloud', bucket },
      { host: 's3.other.example', bucket },
    ]);
  });
});

describe('RESPONSE_URL_ALLOWED_HOSTS', () => {
  it('replaces the bucket with the hosts it names, allowing http only on loopback', () => {
    expect(allowedUrl('http://127.0.0.1:9000/bucket/key?sig=1', ' localhost, 127.0.0.1 ').host).toBe('127.0.0.1:9000');
    expect(allowedUrl('http://localhost:9000/x', 'localhost').hostname).toBe('localhost');
    expect(problemOf('http://s3.internal.example/x', 's3.internal.example')).toContain('http only for loopback');
    expect(allowedUrl('https://s3.internal.example/x', 's3.internal.example').hostname).toBe('s3.internal.example');
    expect(problemOf(S3, '127.0.0.1')).toContain('not in RESPONSE_URL_ALLOWED_HOSTS');
  });

  it('counts as loopback only localhost, [::1] and 127.x.x.x itself', () => {
    expect(allowedUrl('http://[::1]:9000/x', '[::1]').hostname).toBe('[::1]');
    expect(allowedUrl('http://127.0.0.10:9000/x', '127.0.0.10').hostname).toBe('127.0.0.10');
    expect(problemOf('http://127.0.0.1.nip.io:9000/x', '127.0.0.1.nip.io')).toContain('http only for loopback');
  });

  it('refuses any scheme but https and http, also on a loopback host', () => {
    expect(problemOf('ftp://localhost/x', 'localhost')).toContain('not ftp:');
  });

  it("is unset when blank: CloudFormation's bucket only", () => {
    for (const blank of ['', ' ', ' , ,']) {
      expect(allowedUrl(S3, blank).href).toBe(S3);
      expect(problemOf('http://127.0.0.1:9000/x', blank)).toContain('must use https');
    }
  });

  it('compares hosts without regard to case', () => {
    expect(allowedUrl('https://S3.Internal.Example/x', 's3.internal.example').hostname).toBe('s3.internal.example');
    expect(allowedUrl('http://127.0.0.1:9000/x', 'LOCALHOST,127.0.0.1').hostname).toBe('127.0.0.1');
  });

  it('still refuses a request without a ResponseURL', () => {
    expect(problemOf(undefined, 'localhost')).toContain('no ResponseURL');
    expect(problemOf(undefined)).toContain('no ResponseURL');
  });
});

describe('redactUrl', () => {
  it('drops the presigned query string', () => {
    expect(redactUrl(S3)).toBe('https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn/x');
  });

  it('does not repeat a ResponseURL it cannot parse', () => {
    expect(redactUrl('not a url?X-Amz-Signature=abc')).toBe('(unparsable URL)');
    expect(redactUrl(undefined)).toBe('undefined');
  });
});
