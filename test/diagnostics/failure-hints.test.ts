import { hintsFor } from '../../src/diagnostics/failure-hints';

describe('hintsFor', () => {
  it.each([
    ['RESOURCE:ENI', /awsvpcTrunking/],
    ['ATTRIBUTE', /ecs\.capability\.task-eni/],
    [
      'Capacity is unavailable at this time. Please try again later or in a different availability zone',
      /other Availability Zones/,
    ],
    [
      'CannotPullContainerError: pull image manifest: dial tcp 52.1.2.3:443: i/o timeout',
      /NAT gateway or VPC endpoints/,
    ],
    ['ResourceInitializationError: unable to pull secrets or registry auth', /NAT gateway or VPC endpoints/],
    ['OutOfMemoryError: Container killed due to memory usage', /raise its memory/],
  ])('explains %s', (text, hint) => {
    expect(hintsFor(text).join(' ')).toMatch(hint);
  });

  it('says nothing about a plain exit code', () => {
    expect(hintsFor('container "migrate" exited with code 1')).toEqual([]);
  });
});
