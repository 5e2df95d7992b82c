import { effectiveTimeout } from '../../src/lifecycle/deadline';

describe('effectiveTimeout', () => {
  it('defaults to CloudFormation\'s hour less a minute to answer', () => {
    expect(effectiveTimeout({})).toEqual({ seconds: 3540 });
  });

  it('keeps a Timeout that fits', () => {
    expect(effectiveTimeout({ timeoutSeconds: 600 })).toEqual({ seconds: 600 });
  });

  it('caps by ServiceTimeout, less a margin, and says so', () => {
    expect(effectiveTimeout({ timeoutSeconds: 900, serviceTimeoutSeconds: 600 })).toEqual({ seconds: 540, capped: { requested: 900, cap: 540 } });
    expect(effectiveTimeout({ serviceTimeoutSeconds: 30 })).toEqual({ seconds: 25 });
  });
});
