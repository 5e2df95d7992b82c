import { loggedAnswer } from '../../scripts/local/logged-answer';

const url =
  'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws%3Acloudformation?X-Amz-Signature=secret';

describe('what became of an answer to a ResponseURL the local tools do not receive', () => {
  it('says that the handler refused the ResponseURL, and why, instead of where the answer went', () => {
    const outcome = loggedAnswer(
      [
        {
          level: 'ERROR',
          message: 'Refused the ResponseURL: it will not be contacted',
          problem: "The ResponseURL's host x.s3.amazonaws.com is not in RESPONSE_URL_ALLOWED_HOSTS",
        },
      ],
      url,
    );

    expect(outcome).toEqual({
      text: "✗ The handler refused the ResponseURL (https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com): The ResponseURL's host x.s3.amazonaws.com is not in RESPONSE_URL_ALLOWED_HOSTS. It did not answer; CloudFormation would wait until ServiceTimeout (default 1 hour).",
    });
  });

  it('gives the status the handler PUT, naming the host but never the signed query string', () => {
    const outcome = loggedAnswer([{ level: 'INFO', message: 'Answered CloudFormation', status: 'FAILED' }], url);

    expect(outcome.status).toBe('FAILED');
    expect(outcome.text).toContain(
      '← FAILED, PUT to https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com and accepted there',
    );
    expect(outcome.text).not.toContain('secret');
  });

  it('says when the PUT failed, and when the handler logged no answer at all', () => {
    expect(
      loggedAnswer([{ level: 'ERROR', message: 'Could not answer CloudFormation', error: 'HTTP 403' }], url).text,
    ).toContain(
      'could not PUT its answer to https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com: HTTP 403',
    );
    expect(loggedAnswer([], url)).toEqual({
      text: '✗ The handler logged no answer: CloudFormation would wait until ServiceTimeout (default 1 hour).',
    });
  });
});
