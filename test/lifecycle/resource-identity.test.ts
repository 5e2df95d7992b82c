import { clientToken, defaultStartedBy, physicalResourceId } from '../../src/lifecycle/resource-identity';
import { fixtures } from '../support/fixtures';

describe('resource identity', () => {
  const create = fixtures.create();
  const update = fixtures.update();

  it('derives one PhysicalResourceId per resource, readable and short', () => {
    expect(physicalResourceId(create)).toBe(update.PhysicalResourceId);
    expect(physicalResourceId({ ...create, LogicalResourceId: 'SeedTask' })).not.toBe(physicalResourceId(create));
    expect(physicalResourceId({ ...create, StackId: create.StackId.replace('5b7c', '0000') })).not.toBe(physicalResourceId(create));
  });

  it('derives a clientToken per request within RunTask\'s 64 characters', () => {
    expect(clientToken(create)).toHaveLength(64);
    expect(clientToken(create)).toBe(clientToken(fixtures.create()));
    expect(clientToken(update)).not.toBe(clientToken(create));
  });

  it('derives a startedBy ECS accepts, the same for every request of the resource', () => {
    expect(defaultStartedBy(create)).toMatch(/^[A-Za-z0-9\-/_]{1,128}$/);
    expect(defaultStartedBy(update)).toBe(defaultStartedBy(create));
    expect(defaultStartedBy({ ...create, LogicalResourceId: 'L'.repeat(255) }).length).toBeLessThanOrEqual(128);
  });
});
