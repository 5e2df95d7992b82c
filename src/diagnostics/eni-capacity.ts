import type { Ec2Api, EcsApi } from '../aws/ports';

/** Instances described by name in a Reason; the rest are counted. */
const MAX_LISTED = 5;

/**
 * Explains with numbers why awsvpc tasks do not fit on the cluster's EC2 container instances: each awsvpc task
 * takes an ENI of its own, and the instance's primary ENI counts against the instance type's limit (a t2.micro has
 * 2, so it holds one task). ENI trunking (`ecs.awsvpc-trunk-id`) raises the limit on supported types.
 * `instanceArns`: the instances RunTask named in its failures; otherwise every ACTIVE instance of the cluster.
 */
export async function describeEniCapacity(
  ecs: EcsApi,
  ec2: () => Promise<Ec2Api>,
  cluster: string,
  instanceArns: string[] = [],
): Promise<string> {
  const arns =
    instanceArns.length > 0
      ? instanceArns
      : ((await ecs.listContainerInstances({ cluster, status: 'ACTIVE', maxResults: 100 })).containerInstanceArns ??
        []);
  if (arns.length === 0)
    return `ENI capacity: cluster ${cluster} has no ACTIVE container instances, so no EC2 task can be placed — add instances or a capacity provider.`;
  const described =
    (await ecs.describeContainerInstances({ cluster, containerInstances: arns.slice(0, 100) })).containerInstances ??
    [];
  if (described.length === 0) {
    // ECS answers ARNs it no longer knows (an instance deregistered since RunTask) with failures and no instances.
    const count = `${arns.length} container instance${arns.length === 1 ? '' : 's'}`;
    return `ENI capacity: ECS described none of the ${count} asked about (deregistered since?), so no ENI can be counted.`;
  }
  const instanceIds = described.flatMap((instance) => (instance.ec2InstanceId ? [instance.ec2InstanceId] : []));
  const api = await ec2();
  const reservations =
    instanceIds.length > 0 ? ((await api.describeInstances({ InstanceIds: instanceIds })).Reservations ?? []) : [];
  const instances = reservations.flatMap((reservation) => reservation.Instances ?? []);
  const types = [...new Set(instances.flatMap((instance) => (instance.InstanceType ? [instance.InstanceType] : [])))];
  const typeInfo =
    types.length > 0 ? ((await api.describeInstanceTypes({ InstanceTypes: types })).InstanceTypes ?? []) : [];
  const maxEnis = new Map(
    typeInfo.map((info) => [info.InstanceType as string, info.NetworkInfo?.MaximumNetworkInterfaces] as const),
  );

  const lines = described.map((containerInstance) => {
    const instance = instances.find((candidate) => candidate.InstanceId === containerInstance.ec2InstanceId);
    const type =
      instance?.InstanceType ??
      containerInstance.attributes?.find((attribute) => attribute.name === 'ecs.instance-type')?.value ??
      'unknown type';
    const max = instance?.InstanceType ? maxEnis.get(instance.InstanceType) : undefined;
    const inUse = instance?.NetworkInterfaces?.length;
    const trunking = containerInstance.attributes?.some((attribute) => attribute.name === 'ecs.awsvpc-trunk-id')
      ? 'trunking on'
      : 'trunking off';
    const capacity =
      max === undefined
        ? 'ENI limit unknown'
        : `${max} ENIs, room for ${Math.max(0, max - 1)} awsvpc task${max - 1 === 1 ? '' : 's'}`;
    const used = inUse === undefined ? '' : `, ${inUse} ENI${inUse === 1 ? '' : 's'} in use`;
    return `${containerInstance.ec2InstanceId ?? 'instance'} (${type}): ${capacity}${used}, ${trunking}`;
  });
  const listed = lines.slice(0, MAX_LISTED).join('; ');
  const more = lines.length > MAX_LISTED ? `; and ${lines.length - MAX_LISTED} more` : '';
  return `ENI capacity: ${listed}${more}. Each awsvpc task needs a free ENI besides the primary one.`;
}
