import { checkResponseUrl, redactUrl, responseBucket, type ResponseUrlCheck } from '../../src/response/response-url';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:runner';
const S3 = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn/x?X-Amz-Signature=abc';

/** The check as a runner function in `functionArn` makes it, with RESPONSE_URL_ALLOWED_HOSTS `allowedHosts`. */
function check(url: unknown, allowedHosts?: string, functionArn = FUNCTION_ARN): ResponseUrlCheck {
  return checkResponseUrl(url, { allowedHosts, functionArn });
}

function allowedUrl(url: unknown, allowedHosts?: string, functionArn = FUNCTION_ARN): URL {
  const result = check(url, allowedHosts, functionArn);
  if (result.kind !== 'allowed') throw new Error(`refused: ${result.problem}`);
  return result.url;
}

function problemOf(url: unknown, allowedHosts?: string, functionArn = FUNCTION_ARN): string {
  const result = check(url, allowedHosts, functionArn);
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
