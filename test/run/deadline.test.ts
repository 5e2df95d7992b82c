import {
  cloudFormationWait,
  effectiveTimeout,
  LATE_AFTER_MS,
  lateDelivery,
  lateDeliveryOfRun,
} from '../../src/run/deadline';

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

  it("of a run is judged from the request's arrival: its deadline less its Timeout", () => {
    // Arrived 30 minutes after CloudFormation sent it, with a Timeout that reached past CloudFormation's wait.
    const arrivedAt = sentAt + 1_800_000;
    const plan = { deadline: answerBy, timeoutSeconds: (answerBy - arrivedAt) / 1000 };
    expect(lateDeliveryOfRun({ ResponseURL: url }, plan, undefined)).toEqual({ lateSeconds: 1800, waitSeconds: 3600 });
    // Arrived on time, its Timeout all of CloudFormation's wait.
    expect(
      lateDeliveryOfRun({ ResponseURL: url }, { deadline: answerBy, timeoutSeconds: 3540 }, undefined),
    ).toBeUndefined();
  });
});

describe("CloudFormation's wait, from the ResponseURL", () => {
  const sentAt = Date.UTC(2026, 10, 25, 11, 0, 0);
  const url =
    'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/key?X-Amz-Date=20261125T110000Z';

  it('begins at X-Amz-Date and lasts ServiceTimeout, less the margin to answer', () => {
    expect(cloudFormationWait(url, 600)).toEqual({ sentAt, answerBy: sentAt + 540_000, waitSeconds: 600 });
  });

  it.each([
    ['with a prefix', 'x20261125T110000Z'],
    ['with a suffix', '20261125T110000Zx'],
    ['without seconds', '20261125T1100Z'],
  ])('is unknown for an X-Amz-Date %s', (_what, amzDate) => {
    expect(cloudFormationWait(url.replace('20261125T110000Z', amzDate))).toBeUndefined();
  });
});
