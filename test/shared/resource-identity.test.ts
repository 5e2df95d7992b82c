import {
  answeredPhysicalResourceId,
  clientToken,
  defaultStartedBy,
  isFailedCreateId,
  physicalResourceId,
  requestTag,
  resourceTag,
  teardownStartedBy,
} from '../../src/shared/resource-identity';
import { fixtures } from '../support/fixtures';

describe('resource identity', () => {
  const create = fixtures.create();
  const update = fixtures.update();

  it('derives one PhysicalResourceId per resource, readable and short', () => {
    expect(physicalResourceId(create)).toBe(update.PhysicalResourceId);
    expect(physicalResourceId({ ...create, LogicalResourceId: 'SeedTask' })).not.toBe(physicalResourceId(create));
    expect(physicalResourceId({ ...create, StackId: create.StackId.replace('5b7c', '0000') })).not.toBe(
      physicalResourceId(create),
    );
  });

  it("derives a clientToken per request within RunTask's 64 characters", () => {
    expect(clientToken(create)).toHaveLength(64);
    expect(clientToken(create)).toBe(clientToken(fixtures.create()));
    expect(clientToken(update)).not.toBe(clientToken(create));
  });

  it('derives a startedBy ECS accepts, the same for every request of the resource', () => {
    expect(defaultStartedBy(create)).toMatch(/^[A-Za-z0-9\-/_]{1,128}$/);
    expect(defaultStartedBy(update)).toBe(defaultStartedBy(create));
    expect(defaultStartedBy({ ...create, LogicalResourceId: 'L'.repeat(255) }).length).toBeLessThanOrEqual(128);
  });

  it('reads the stack\'s name into the PhysicalResourceId, and says "stack" when the StackId has none', () => {
    expect(physicalResourceId(create)).toMatch(/^todobackend-MigrateTask-[0-9a-f]{12}$/);
    expect(physicalResourceId({ StackId: 'not-an-arn', LogicalResourceId: 'MigrateTask' })).toMatch(
      /^stack-MigrateTask-[0-9a-f]{12}$/,
    );
  });

  it('answers a Create with the derived ID, and an Update or Delete without a PhysicalResourceId with it too', () => {
    expect(answeredPhysicalResourceId(create)).toBe(physicalResourceId(create));
    expect(answeredPhysicalResourceId({ ...update, PhysicalResourceId: 'chosen-by-an-older-runner' })).toBe(
      'chosen-by-an-older-runner',
    );
    expect(answeredPhysicalResourceId({ ...update, PhysicalResourceId: '' })).toBe(physicalResourceId(update));
  });

  it('marks a failed Create’s ID, and keeps the request’s ID in a failed Update or Delete', () => {
    const failed = answeredPhysicalResourceId(create, 'FAILED');
    expect(failed).toBe(`${physicalResourceId(create)}/create-failed`);
    expect(isFailedCreateId(failed)).toBe(true);
    expect(isFailedCreateId(physicalResourceId(create))).toBe(false);
    expect(answeredPhysicalResourceId(update, 'FAILED')).toBe(update.PhysicalResourceId);
    expect(answeredPhysicalResourceId({ ...update, RequestType: 'Delete' as const }, 'FAILED')).toBe(
      update.PhysicalResourceId,
    );
  });

  it('gives each StartRetries attempt its own clientToken, the first one the request tag', () => {
    expect(clientToken(create, 1)).toBe(requestTag(create));
    expect(clientToken(create, 2)).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set([clientToken(create, 1), clientToken(create, 2), clientToken(create, 3)]).size).toBe(3);
    expect(requestTag(update)).not.toBe(requestTag(create));
  });

  it("tags every request of a resource with one resource tag, its own and none of the request's digests", () => {
    expect(resourceTag(update)).toBe(resourceTag(create));
    expect(resourceTag(create)).toMatch(/^[0-9a-f]{64}$/);
    expect(resourceTag(create)).not.toBe(requestTag(create));
    expect(resourceTag({ ...create, LogicalResourceId: 'Other' })).not.toBe(resourceTag(create));
    expect(resourceTag({ ...create, StackId: `${create.StackId}x` })).not.toBe(resourceTag(create));
  });

  it('keeps the first 100 characters of the logical ID in startedBy', () => {
    const long = defaultStartedBy({ ...create, LogicalResourceId: `${'L'.repeat(100)}TAIL` });
    expect(long).toMatch(new RegExp(`^cfn/${'L'.repeat(100)}/[0-9a-f]{16}$`));
  });

  it("marks the teardown's startedBy, within ECS's 128 characters, so that stopping the resource's tasks never finds it", () => {
    expect(teardownStartedBy('cfn/MigrateTask/0123456789abcdef')).toBe('cfn/MigrateTask/0123456789abcdef/teardown');
    const longest = 's'.repeat(128);
    expect(teardownStartedBy(longest)).toBe(`${'s'.repeat(119)}/teardown`);
  });
});
