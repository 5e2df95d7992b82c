import { effectiveTimeout, LATE_AFTER_MS, lateDelivery } from '../../src/run/deadline';

describe('effectiveTimeout', () => {
  it("defaults to CloudFormation's hour less a minute to answer", () => {
    expect(effectiveTimeout({})).toEqual({ seconds: 3540 });
  });

  it('keeps a Timeout that fits', () => {
    expect(effectiveTimeout({ timeoutSeconds: 600 })).toEqual({ seconds: 600 });
  });

  it('caps by ServiceTimeout, less a margin, and says so', () => {
    expect(effectiveTimeout({ timeoutSeconds: 900, serviceTimeoutSeconds: 600 })).toEqual({
      seconds: 540,
      capped: { requested: 900, cap: 540 },
    });
    expect(effectiveTimeout({ serviceTimeoutSeconds: 30 })).toEqual({ seconds: 25 });
  });

  it('keeps a Timeout exactly at the cap, without saying it was lowered', () => {
    expect(effectiveTimeout({ timeoutSeconds: 3540 })).toEqual({ seconds: 3540 });
    expect(effectiveTimeout({ timeoutSeconds: 3541 })).toEqual({
      seconds: 3540,
      capped: { requested: 3541, cap: 3540 },
    });
  });

  it('keeps a tenth of ServiceTimeout, rounded up, between 5 and 60 seconds, to answer', () => {
    expect(effectiveTimeout({ serviceTimeoutSeconds: 105 })).toEqual({ seconds: 94 });
    expect(effectiveTimeout({ serviceTimeoutSeconds: 400 })).toEqual({ seconds: 360 });
    expect(effectiveTimeout({ serviceTimeoutSeconds: 601 })).toEqual({ seconds: 541 });
  });

  it('leaves at least one second to watch under the shortest ServiceTimeout', () => {
    expect(effectiveTimeout({ serviceTimeoutSeconds: 5 })).toEqual({ seconds: 1 });
    expect(effectiveTimeout({ timeoutSeconds: 30, serviceTimeoutSeconds: 1 })).toEqual({
      seconds: 1,
      capped: { requested: 30, cap: 1 },
    });
  });
});

describe('a late delivery', () => {
  const sentAt = Date.UTC(2026, 10, 25, 11, 0, 0);
  const url =
    'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/key?X-Amz-Date=20261125T110000Z';
  const answerBy = sentAt + 3540_000;

  it('is one that reached the runner more than LATE_AFTER_MS after CloudFormation sent it, its deadline cut short', () => {
    expect(lateDelivery(url, undefined, sentAt + LATE_AFTER_MS, answerBy)).toBeUndefined();
    expect(lateDelivery(url, undefined, sentAt + LATE_AFTER_MS + 1000, answerBy)).toEqual({
      lateSeconds: 61,
      waitSeconds: 3600,
    });
  });

  it('is not one whose deadline came from its own, shorter Timeout', () => {
    expect(lateDelivery(url, undefined, sentAt + 600_000, sentAt + 900_000)).toBeUndefined();
  });

  it('is unknown without an X-Amz-Date', () => {
    expect(lateDelivery('http://127.0.0.1:9000/r', undefined, sentAt + 600_000, answerBy)).toBeUndefined();
  });
});
