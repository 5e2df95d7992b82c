import type { _InstanceType, Instance, InstanceTypeInfo, Reservation } from '@aws-sdk/client-ec2';
import type { Attribute, ContainerInstance } from '@aws-sdk/client-ecs';
import { describeEniCapacity } from '../../src/diagnostics/eni-capacity';
import {
  type ContainerInstanceAnswers,
  type Ec2Answers,
  recordingEc2,
  recordingEcs,
} from '../support/recording-ec2-api';

const CLUSTER = 'todobackend-cluster';
const TAIL = '. Each awsvpc task needs a free ENI besides the primary one.';
const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:container-instance/${CLUSTER}/${id}`;
const TRUNK: Attribute = { name: 'ecs.awsvpc-trunk-id', value: 'eni-0trunk' };
const OS: Attribute = { name: 'ecs.os-type', value: 'linux' };

/** A container instance as DescribeContainerInstances reports it. */
const containerInstance = (ec2InstanceId: string | undefined, attributes?: Attribute[]): ContainerInstance => ({
  containerInstanceArn: arn(`ci-${ec2InstanceId ?? 'none'}`),
  status: 'ACTIVE',
  ...(ec2InstanceId === undefined ? {} : { ec2InstanceId }),
  ...(attributes === undefined ? {} : { attributes }),
});

/** An instance as DescribeInstances reports it, with `enis` network interfaces attached (none listed: undefined). */
const instance = (InstanceId: string, InstanceType: _InstanceType, enis?: number): Instance => ({
  InstanceId,
  InstanceType,
  ...(enis === undefined
    ? {}
    : {
        NetworkInterfaces: Array.from({ length: enis }, (_, n) => ({ NetworkInterfaceId: `eni-0${InstanceId}${n}` })),
      }),
});

const typeInfo = (InstanceType: _InstanceType, MaximumNetworkInterfaces: number): InstanceTypeInfo => ({
  InstanceType,
  NetworkInfo: { MaximumNetworkInterfaces, MaximumNetworkCards: 1 },
});

async function capacity(
  ecsAnswers: ContainerInstanceAnswers,
  ec2Answers: Ec2Answers,
  instanceArns?: string[],
): Promise<{ reason: string; ecsCalls: unknown[]; ec2Calls: unknown[] }> {
  const { ecs, calls: ecsCalls } = recordingEcs(ecsAnswers);
  const { ec2, calls: ec2Calls } = recordingEc2(ec2Answers);
  const reason = await describeEniCapacity(ecs, async () => ec2, CLUSTER, instanceArns);
  return { reason, ecsCalls, ec2Calls };
}

/** The reason for one container instance on EC2 instance i-01, described by EC2 as `found`. */
async function lineFor(
  found: Instance | undefined,
  attributes: Attribute[] | undefined,
  types: InstanceTypeInfo[] = [],
): Promise<string> {
  const { reason } = await capacity(
    { describeContainerInstances: { containerInstances: [containerInstance('i-01', attributes)] } },
    {
      describeInstances: { Reservations: found ? [{ Instances: [found] }] : [] },
      describeInstanceTypes: { InstanceTypes: types },
    },
    [arn('ci-i-01')],
  );
  return reason;
}

describe('describeEniCapacity', () => {
  it('describes the instances RunTask named: their types, ENI limits, ENIs in use and trunking', async () => {
    const arns = [arn('ci-i-01'), arn('ci-i-02'), arn('ci-i-03')];
    const reservations: Reservation[] = [
      { Instances: [instance('i-02', 'm5.large', 1)] },
      { Instances: [instance('i-03', 't2.micro', 1), instance('i-01', 't2.micro', 2)] },
    ];

    const { reason, ecsCalls, ec2Calls } = await capacity(
      {
        describeContainerInstances: {
          containerInstances: [
            containerInstance('i-01', [OS]),
            containerInstance('i-02', [OS, TRUNK]),
            containerInstance('i-03', [TRUNK]),
          ],
        },
      },
      {
        describeInstances: { Reservations: reservations },
        describeInstanceTypes: { InstanceTypes: [typeInfo('t2.micro', 2), typeInfo('m5.large', 3)] },
      },
      arns,
    );

    expect(reason).toBe(
      'ENI capacity: i-01 (t2.micro): 2 ENIs, room for 1 awsvpc task, 2 ENIs in use, trunking off;' +
        ' i-02 (m5.large): 3 ENIs, room for 2 awsvpc tasks, 1 ENI in use, trunking on;' +
        ` i-03 (t2.micro): 2 ENIs, room for 1 awsvpc task, 1 ENI in use, trunking on${TAIL}`,
    );
    expect(ecsCalls).toEqual([
      { method: 'describeContainerInstances', input: { cluster: CLUSTER, containerInstances: arns } },
    ]);
    expect(ec2Calls).toEqual([
      { method: 'describeInstances', input: { InstanceIds: ['i-01', 'i-02', 'i-03'] } },
      { method: 'describeInstanceTypes', input: { InstanceTypes: ['m5.large', 't2.micro'] } },
    ]);
  });

  it("lists the cluster's ACTIVE container instances when RunTask named none", async () => {
    const { reason, ecsCalls } = await capacity(
      {
        listContainerInstances: { containerInstanceArns: [arn('ci-i-01')] },
        describeContainerInstances: { containerInstances: [containerInstance('i-01')] },
      },
      {
        describeInstances: { Reservations: [{ Instances: [instance('i-01', 'c5.large', 1)] }] },
        describeInstanceTypes: { InstanceTypes: [typeInfo('c5.large', 3)] },
      },
    );

    expect(reason).toBe(
      `ENI capacity: i-01 (c5.large): 3 ENIs, room for 2 awsvpc tasks, 1 ENI in use, trunking off${TAIL}`,
    );
    expect(ecsCalls).toEqual([
      { method: 'listContainerInstances', input: { cluster: CLUSTER, status: 'ACTIVE', maxResults: 100 } },
      { method: 'describeContainerInstances', input: { cluster: CLUSTER, containerInstances: [arn('ci-i-01')] } },
    ]);
  });

  it.each([
    ['no instances', { containerInstanceArns: [] }],
    ['no list at all', {}],
  ])('says the cluster has no ACTIVE container instances when ECS lists %s', async (_, listed) => {
    const { reason, ecsCalls, ec2Calls } = await capacity({ listContainerInstances: listed }, {}, []);

    expect(reason).toBe(
      'ENI capacity: cluster todobackend-cluster has no ACTIVE container instances, so no EC2 task can be placed' +
        ' — add instances or a capacity provider.',
    );
    expect(ecsCalls).toHaveLength(1);
    expect(ec2Calls).toEqual([]);
  });

  it('describes at most 100 container instances, as DescribeContainerInstances allows', async () => {
    const arns = Array.from({ length: 101 }, (_, n) => arn(`ci-${n}`));

    const { ecsCalls } = await capacity(
      { describeContainerInstances: { containerInstances: [containerInstance(undefined)] } },
      {},
      arns,
    );

    expect(ecsCalls).toEqual([
      { method: 'describeContainerInstances', input: { cluster: CLUSTER, containerInstances: arns.slice(0, 100) } },
    ]);
  });

  // ECS answers ARNs it no longer knows (an instance deregistered since RunTask) with failures and no instances.
  it.each([
    ['no container instances', { containerInstances: [] }],
    ['no list at all', { failures: [{ arn: arn('ci-gone'), reason: 'MISSING' }] }],
  ])('says no ENI can be counted when ECS describes %s', async (_, answer) => {
    const { reason, ec2Calls } = await capacity({ describeContainerInstances: answer }, {}, [arn('ci-gone')]);

    expect(reason).toBe(
      'ENI capacity: ECS described none of the 1 container instance asked about (deregistered since?), so no ENI can be counted.',
    );
    expect(ec2Calls).toEqual([]);
  });

  it('counts the instances ECS described none of', async () => {
    const { reason } = await capacity({ describeContainerInstances: { containerInstances: [] } }, {}, [
      arn('ci-gone'),
      arn('ci-also-gone'),
    ]);

    expect(reason).toBe(
      'ENI capacity: ECS described none of the 2 container instances asked about (deregistered since?), so no ENI can be counted.',
    );
  });

  it('asks EC2 nothing for container instances without an EC2 instance ID, and reads the type from ECS', async () => {
    const { reason, ec2Calls } = await capacity(
      {
        describeContainerInstances: {
          containerInstances: [containerInstance(undefined, [OS, { name: 'ecs.instance-type', value: 'c5.large' }])],
        },
      },
      {},
      [arn('ci-none')],
    );

    expect(reason).toBe(`ENI capacity: instance (c5.large): ENI limit unknown, trunking off${TAIL}`);
    expect(ec2Calls).toEqual([]);
  });

  it.each([
    ['no reservations', {}],
    ['a reservation without instances', { Reservations: [{}] }],
    ['an instance without a type', { Reservations: [{ Instances: [{ InstanceId: 'i-01' }] }] }],
  ])('asks for no instance types when EC2 describes %s', async (_, described) => {
    const { reason, ec2Calls } = await capacity(
      { describeContainerInstances: { containerInstances: [containerInstance('i-01', [TRUNK])] } },
      { describeInstances: described },
      [arn('ci-i-01')],
    );

    expect(reason).toBe(`ENI capacity: i-01 (unknown type): ENI limit unknown, trunking on${TAIL}`);
    expect(ec2Calls).toEqual([{ method: 'describeInstances', input: { InstanceIds: ['i-01'] } }]);
  });

  it.each([
    [
      'the type from ECS when EC2 does not describe the instance',
      undefined,
      [OS, { name: 'ecs.instance-type', value: 'c5.large' }, TRUNK],
      'i-01 (c5.large): ENI limit unknown, trunking on',
    ],
    ['"unknown type" without the attribute', undefined, [OS], 'i-01 (unknown type): ENI limit unknown, trunking off'],
    ['"unknown type" without attributes', undefined, undefined, 'i-01 (unknown type): ENI limit unknown, trunking off'],
    [
      "EC2's type over ECS's attribute",
      instance('i-01', 't3.medium', 1),
      [{ name: 'ecs.instance-type', value: 'c5.large' }],
      'i-01 (t3.medium): 3 ENIs, room for 2 awsvpc tasks, 1 ENI in use, trunking off',
    ],
    [
      'no ENIs in use when EC2 lists no network interfaces',
      instance('i-01', 't3.medium'),
      undefined,
      'i-01 (t3.medium): 3 ENIs, room for 2 awsvpc tasks, trunking off',
    ],
  ])('names %s', async (_, found, attributes, line) => {
    expect(await lineFor(found, attributes, [typeInfo('t3.medium', 3)])).toBe(`ENI capacity: ${line}${TAIL}`);
  });

  it.each([
    ['EC2 does not describe the type', []],
    ['the type has no network information', [{ InstanceType: 't3.medium' as const }]],
  ])('says the ENI limit is unknown when %s', async (_, types) => {
    expect(await lineFor(instance('i-01', 't3.medium', 2), [TRUNK], types)).toBe(
      `ENI capacity: i-01 (t3.medium): ENI limit unknown, 2 ENIs in use, trunking on${TAIL}`,
    );
  });

  it.each([
    [5, ''],
    [6, '; and 1 more'],
    [7, '; and 2 more'],
  ])('names 5 of %i instances and counts the rest', async (count, more) => {
    const ids = Array.from({ length: count }, (_, n) => `i-0${n + 1}`);

    const { reason } = await capacity(
      { describeContainerInstances: { containerInstances: ids.map((id) => containerInstance(id)) } },
      { describeInstances: {} },
      ids.map((id) => arn(`ci-${id}`)),
    );

    const listed = ids.slice(0, 5).map((id) => `${id} (unknown type): ENI limit unknown, trunking off`);
    expect(reason).toBe(`ENI capacity: ${listed.join('; ')}${more}${TAIL}`);
  });
});
