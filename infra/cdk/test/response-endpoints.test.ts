import { extraResponseEndpoints } from '../../../src/response/response-url';
import { extraEndpointsValue, isResponseEndpoint } from '../lib/response-endpoints';

const CASES = [
  's3.example-region-1.example.cloud/cloudformation-custom-resource-response-exampleregion1',
  's3.dualstack.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1',
  'S3.Example.Cloud/Bucket-Name',
  ' s3.example.cloud/bucket ',
  's3.example.cloud/ab',
  's3.example.cloud/abc',
  's3.example.cloud/a'.padEnd(18 + 63, 'b'),
  's3.example.cloud/a'.padEnd(18 + 64, 'b'),
  's3.example.cloud/-bucket',
  's3.example.cloud/bucket-',
  's3.example.cloud/bucket_name',
  'localhost/bucket',
  '-s3.example.cloud/bucket',
  's3..example.cloud/bucket',
  's3.example.cloud',
  's3.example.cloud/',
  's3.example.cloud/bucket/key',
  'https://s3.example.cloud/bucket',
  's3.example.cloud:443/bucket',
];

describe('the construct’s check of an extra response endpoint', () => {
  it.each(CASES)('agrees with the runner’s on %j', (entry) => {
    const runner = extraResponseEndpoints(entry);
    const runnerTakesIt = runner.endpoints.length === 1 && runner.ignored.length === 0;
    expect(isResponseEndpoint(entry)).toBe(runnerTakesIt);
  });

  it('takes the documented form and refuses a URL', () => {
    expect(isResponseEndpoint(CASES[0] ?? '')).toBe(true);
    expect(isResponseEndpoint('https://s3.example.cloud/bucket')).toBe(false);
  });

  it('refuses an entry with a comma, which the runner would read as two', () => {
    expect(isResponseEndpoint('s3.example.cloud/bucket,s3.other.cloud/bucket')).toBe(false);
  });

  it('joins the entries with commas, and names the prop, the form and every wrong entry otherwise', () => {
    expect(extraEndpointsValue('Stack/Runner', ['s3.a.cloud/bucket-a', 's3.b.cloud/bucket-b'])).toEqual({
      kind: 'valid',
      value: 's3.a.cloud/bucket-a,s3.b.cloud/bucket-b',
    });
    const result = extraEndpointsValue('Stack/Runner', ['s3.a.cloud/bucket-a', 'bucket-b', 'https://s3.c.cloud/c']);
    expect(result).toEqual({
      kind: 'invalid',
      message: expect.stringContaining(
        'Stack/Runner: each of `extraResponseEndpoints` must be <S3 endpoint host>/<bucket>',
      ),
    });
    expect(result.kind === 'invalid' ? result.message : '').toMatch(/not "bucket-b", "https:\/\/s3\.c\.cloud\/c"$/);
  });
});
