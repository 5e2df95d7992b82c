import { ResponseUrlRefusedError } from '../../src/shared/errors';
import { checkResponseUrl, redactUrl } from '../../src/response/response-url';

const S3 = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn/x?X-Amz-Signature=abc';

describe('checkResponseUrl', () => {
  it.each([S3, 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x?y=1'])(
    'accepts AWS https URLs: %s',
    (url) => {
      expect(checkResponseUrl(url, undefined).href).toBe(url);
    },
  );

  it.each([
    ['http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', 'must use https'],
    ['https://amazonaws.com.evil.example/x', 'not an AWS host'],
    ['https://evil-amazonaws.com/x', 'not an AWS host'],
    ['not a url', 'not a valid URL'],
    ['http://127.0.0.1:9000/x', 'must use https'],
  ])('refuses %s', (url, message) => {
    expect(() => checkResponseUrl(url, undefined)).toThrow(ResponseUrlRefusedError);
    expect(() => checkResponseUrl(url, undefined)).toThrow(message);
  });

  it('replaces the AWS hosts with RESPONSE_URL_ALLOWED_HOSTS, allowing http only on loopback', () => {
    expect(checkResponseUrl('http://127.0.0.1:9000/bucket/key?sig=1', ' localhost, 127.0.0.1 ').host).toBe(
      '127.0.0.1:9000',
    );
    expect(checkResponseUrl('http://localhost:9000/x', 'localhost').hostname).toBe('localhost');
    expect(() => checkResponseUrl('http://s3.internal.example/x', 's3.internal.example')).toThrow(
      'http only for loopback',
    );
    expect(checkResponseUrl('https://s3.internal.example/x', 's3.internal.example').hostname).toBe(
      's3.internal.example',
    );
    expect(() => checkResponseUrl(S3, '127.0.0.1')).toThrow('not in RESPONSE_URL_ALLOWED_HOSTS');
  });

  it('counts as loopback only localhost, [::1] and 127.x.x.x itself', () => {
    expect(checkResponseUrl('http://[::1]:9000/x', '[::1]').hostname).toBe('[::1]');
    expect(checkResponseUrl('http://127.0.0.10:9000/x', '127.0.0.10').hostname).toBe('127.0.0.10');
    expect(() => checkResponseUrl('http://127.0.0.1.nip.io:9000/x', '127.0.0.1.nip.io')).toThrow(
      'http only for loopback',
    );
  });

  it('refuses any scheme but https and http, also on a loopback host', () => {
    expect(() => checkResponseUrl('ftp://localhost/x', 'localhost')).toThrow('not ftp:');
  });

  it('treats a blank RESPONSE_URL_ALLOWED_HOSTS as unset: AWS https hosts only', () => {
    for (const blank of ['', ' ', ' , ,']) {
      expect(checkResponseUrl(S3, blank).href).toBe(S3);
      expect(() => checkResponseUrl('http://127.0.0.1:9000/x', blank)).toThrow('must use https');
    }
  });

  it('compares hosts without regard to case', () => {
    expect(checkResponseUrl('https://S3.Internal.Example/x', 's3.internal.example').hostname).toBe(
      's3.internal.example',
    );
    expect(checkResponseUrl('http://127.0.0.1:9000/x', 'LOCALHOST,127.0.0.1').hostname).toBe('127.0.0.1');
  });

  it('refuses a request without a ResponseURL', () => {
    expect(() => checkResponseUrl(undefined, undefined)).toThrow('no ResponseURL');
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
