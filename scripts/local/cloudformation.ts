import { randomUUID } from 'node:crypto';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import type { HandlerInvoker, InvocationRecord } from './handler-invoker';
import type { ResponseReceiver, ResponseSlot } from './response-receiver';
import { snsNotification } from './sns-notification';
import { statusWhileSending } from './cloudformation-endpoint';

/** A property value as a template writes it. */
export type TemplateValue = string | number | boolean | TemplateValue[] | { [key: string]: TemplateValue };
/** A property value as CloudFormation delivers it: every scalar a string; lists and maps keep their shape. */
export type CloudFormationValue = string | CloudFormationValue[] | { [key: string]: CloudFormationValue };

export interface ResourceProperties {
  ServiceToken: string;
  [key: string]: CloudFormationValue;
}

export type CustomResourceRequest = CloudFormationCustomResourceEvent<ResourceProperties>;

/**
 * The JSON CloudFormation reads from the ResponseURL. Declared here rather than imported from src/: this harness
 * plays CloudFormation, so it checks the runner's answers against its own reading of the protocol.
 */
export interface CloudFormationResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  NoEcho?: boolean;
  Data?: Record<string, unknown>;
}

/** One request and what came of it. */
export interface Exchange {
  request: CustomResourceRequest;
  /** Undefined when the handler never answered: CloudFormation would wait until ServiceTimeout. */
  response?: CloudFormationResponse;
  /** What CloudFormation would reject in the answer (or its absence). */
  problems: string[];
  invocations: InvocationRecord[];
  /** The ECS events delivered after the request's invocations ended, and the invocations they started. */
  events?: { delivered: number; invocations: InvocationRecord[] };
  elapsedMs: number;
}

/**
 * Delivers the ECS Task State Change events of the request's tasks once its invocations ended (local: event-pump.ts):
 * a run the runner parked is answered by the invocation an event starts.
 */
export interface TaskEventSource {
  /** `problems`: invocations for events that broke the handler's contract (threw: Lambda would retry the event). */
  deliverAfterRequest(): Promise<{ delivered: number; invocations: InvocationRecord[]; problems: string[] }>;
}

/** CloudFormation fails the stack with "Response object is too long" above this. */
const MAX_RESPONSE_BYTES = 4096;
const MAX_PHYSICAL_ID_BYTES = 1024;

/** A template's property value as CloudFormation passes it on: `1` → `"1"`, `true` → `"true"`, shapes kept. */
export function asCloudFormationSends(value: TemplateValue): CloudFormationValue {
  if (Array.isArray(value)) return value.map(asCloudFormationSends);
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asCloudFormationSends(item)]));
  return String(value);
}

/**
 * Sends one request to the handler (following its hand-offs) and reads the answer from its ResponseURL, checking
 * it as CloudFormation would. `slot` must be the one whose URL is the request's ResponseURL. `event` is the request
 * as the function receives it: the request itself, or an SNS notification holding it. `events`: what plays
 * EventBridge once the request's invocations ended (a parked run waits for it).
 */
export async function deliverRequest(
  request: CustomResourceRequest,
  slot: ResponseSlot,
  invoker: HandlerInvoker,
  firstTimeoutMs?: number,
  event: unknown = request,
  events?: TaskEventSource,
): Promise<Exchange> {
  const started = Date.now();
  const invocations = await invoker.invokeFollowingHandOffs(event, firstTimeoutMs);
  const delivered = await events?.deliverAfterRequest();
  const delivery = await slot.read();
  const { response, problems } =
    delivery.body === undefined
      ? {
          response: undefined,
          problems: [
            'No response was PUT to the ResponseURL: CloudFormation would wait until ServiceTimeout (default 1 hour)',
          ],
        }
      : readResponse(request, delivery.body);
  return {
    request,
    ...(response ? { response } : {}),
    problems: [...delivery.problems, ...problems, ...(delivered?.problems ?? [])],
    invocations,
    ...(delivered && delivered.delivered > 0
      ? { events: { delivered: delivered.delivered, invocations: delivered.invocations } }
      : {}),
    elapsedMs: Date.now() - started,
  };
}

/** Parses a response body and lists what CloudFormation would refuse in it. */
export function readResponse(
  request: CustomResourceRequest,
  body: string,
): { response?: CloudFormationResponse; problems: string[] } {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_RESPONSE_BYTES)
    problems.push(
      `The response is ${bytes} bytes: CloudFormation refuses more than ${MAX_RESPONSE_BYTES} ("Response object is too long")`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problems: [...problems, `The response is not JSON: ${body.slice(0, 200)}`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { problems: [...problems, 'The response is not a JSON object'] };
  const response = parsed as Partial<CloudFormationResponse>;
  if (response.Status !== 'SUCCESS' && response.Status !== 'FAILED')
    problems.push(`Status is ${JSON.stringify(response.Status)}, not SUCCESS or FAILED`);
  if (response.Status === 'FAILED' && !response.Reason) problems.push('A FAILED response needs a Reason');
  if (typeof response.PhysicalResourceId !== 'string' || response.PhysicalResourceId === '')
    problems.push('PhysicalResourceId is missing or empty');
  else if (Buffer.byteLength(response.PhysicalResourceId) > MAX_PHYSICAL_ID_BYTES)
    problems.push(`PhysicalResourceId is longer than ${MAX_PHYSICAL_ID_BYTES} bytes`);
  for (const key of ['StackId', 'RequestId', 'LogicalResourceId'] as const) {
    if (response[key] !== request[key])
      problems.push(`${key} is ${JSON.stringify(response[key])}, not the request's ${JSON.stringify(request[key])}`);
  }
  if (
    request.RequestType !== 'Create' &&
    typeof response.PhysicalResourceId === 'string' &&
    response.PhysicalResourceId !== request.PhysicalResourceId
  ) {
    problems.push(
      `PhysicalResourceId is ${JSON.stringify(response.PhysicalResourceId)}, not the request's ${JSON.stringify(request.PhysicalResourceId)}: ` +
        (request.RequestType === 'Update'
          ? 'CloudFormation would take the Update for a replacement and later Delete the old resource'
          : 'CloudFormation expects a Delete to answer with the ID it deletes'),
    );
  }
  if (
    response.Data !== undefined &&
    // The response is parsed JSON: its Data may be anything, whatever CloudFormationResponse says.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    (typeof response.Data !== 'object' || response.Data === null || Array.isArray(response.Data))
  )
    problems.push('Data is not a JSON object');
  return problems.length > 0 && response.Status === undefined
    ? { problems }
    : { response: response as CloudFormationResponse, problems };
}

export interface CreateRequestFields {
  serviceToken: string;
  responseUrl: string;
  stackId: string;
  logicalResourceId: string;
  /** As the template writes them: delivered as CloudFormation does, every scalar a string, with the ServiceToken. */
  properties: Record<string, TemplateValue>;
  requestId?: string;
  resourceType?: string;
}

/** A Create request as CloudFormation sends it: a fresh RequestId, string-typed properties, no PhysicalResourceId. */
export function createRequest(
  fields: CreateRequestFields,
): CloudFormationCustomResourceCreateEvent<ResourceProperties> {
  return {
    RequestType: 'Create',
    ServiceToken: fields.serviceToken,
    ResponseURL: fields.responseUrl,
    StackId: fields.stackId,
    RequestId: fields.requestId ?? randomUUID(),
    LogicalResourceId: fields.logicalResourceId,
    ResourceType: fields.resourceType ?? 'Custom::ECSTaskRunner',
    ResourceProperties: resourceProperties(fields.serviceToken, fields.properties),
  };
}

function resourceProperties(serviceToken: string, properties: Record<string, TemplateValue>): ResourceProperties {
  const delivered = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, asCloudFormationSends(value)]),
  );
  return { ServiceToken: serviceToken, ...delivered };
}

export interface RequestOptions {
  /** How long the first invocation may take before it counts as timed out. */
  firstTimeoutMs?: number;
  /**
   * The stack's status while the request is sent (what DescribeStacks answers): by default the status of the
   * operation that sends such a request (CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS); a rollback's
   * status to play one.
   */
  stackStatus?: string;
}

export interface StackSimulation {
  stackId: string;
  /** The runner function's ARN: every request's ServiceToken unless the resource goes through an SNS topic. */
  serviceToken: string;
  receiver: ResponseReceiver;
  invoker: HandlerInvoker;
  /** Sets what DescribeStacks says of the stack from now on (the local CloudFormation endpoint). */
  setStackStatus(status: string): void;
  /** Sets what DescribeStackResource says of one resource of the stack from now on. */
  setResource?(logicalResourceId: string, resourceType: string, status: string): void;
  /** Runs after every request was answered (the local environment uses it to patch a gap in moto). */
  afterRequest?: () => Promise<void>;
  /** Plays EventBridge's ECS events after each request's invocations; none: no events (polling only). */
  events?: TaskEventSource;
}

/**
 * One custom resource in a stack, driven through its lifecycle exactly as CloudFormation does: string-typed
 * properties with the ServiceToken, a fresh RequestId and ResponseURL per request, no PhysicalResourceId on Create,
 * then the PhysicalResourceId of the last answer (also of a failed Create, which CloudFormation then deletes), and
 * OldResourceProperties on Update.
 */
export class CustomResource {
  private physicalResourceId?: string;
  private properties?: ResourceProperties;

  /**
   * `snsTopicArn`: the resource's ServiceToken is this SNS topic, to which the function is subscribed, and every
   * request reaches the function inside an SNS notification.
   */
  constructor(
    readonly logicalId: string,
    private readonly stack: StackSimulation,
    readonly resourceType = 'Custom::ECSTaskRunner',
    private readonly snsTopicArn?: string,
  ) {}

  private get serviceToken(): string {
    return this.snsTopicArn ?? this.stack.serviceToken;
  }

  get currentPhysicalResourceId(): string | undefined {
    return this.physicalResourceId;
  }

  async create(properties: Record<string, TemplateValue>, options: RequestOptions = {}): Promise<Exchange> {
    const { slot, common } = await this.prepare(this.resourceProperties(properties));
    const request: CloudFormationCustomResourceCreateEvent<ResourceProperties> = { RequestType: 'Create', ...common };
    const exchange = await this.deliver(request, slot, options);
    if (exchange.response?.PhysicalResourceId) this.physicalResourceId = exchange.response.PhysicalResourceId;
    this.properties = request.ResourceProperties;
    return exchange;
  }

  async update(properties: Record<string, TemplateValue>, options: RequestOptions = {}): Promise<Exchange> {
    const { physicalResourceId, properties: oldProperties } = this.existing('Update');
    const { slot, common } = await this.prepare(this.resourceProperties(properties));
    const request: CloudFormationCustomResourceUpdateEvent<ResourceProperties> = {
      RequestType: 'Update',
      ...common,
      PhysicalResourceId: physicalResourceId,
      OldResourceProperties: oldProperties,
    };
    const exchange = await this.deliver(request, slot, options);
    // A failed Update leaves the resource as it was; a different ID on success would mean a replacement.
    if (exchange.response?.Status === 'SUCCESS') {
      this.physicalResourceId = exchange.response.PhysicalResourceId;
      this.properties = request.ResourceProperties;
    }
    return exchange;
  }

  async delete(options: RequestOptions = {}): Promise<Exchange> {
    const { physicalResourceId, properties } = this.existing('Delete');
    const { slot, common } = await this.prepare(properties);
    const request: CloudFormationCustomResourceDeleteEvent<ResourceProperties> = {
      RequestType: 'Delete',
      ...common,
      PhysicalResourceId: physicalResourceId,
    };
    return this.deliver(request, slot, options);
  }

  private existing(requestType: string): { physicalResourceId: string; properties: ResourceProperties } {
    if (this.physicalResourceId === undefined || this.properties === undefined) {
      throw new Error(`CloudFormation sends ${requestType} only for a resource whose Create was answered`);
    }
    return { physicalResourceId: this.physicalResourceId, properties: this.properties };
  }

  /** A fresh RequestId and ResponseURL, and the fields every request type carries. */
  private async prepare(properties: ResourceProperties) {
    const requestId = randomUUID();
    const slot = await this.stack.receiver.slot(requestId);
    const common = {
      ServiceToken: this.serviceToken,
      ResponseURL: slot.url,
      StackId: this.stack.stackId,
      RequestId: requestId,
      LogicalResourceId: this.logicalId,
      ResourceType: this.resourceType,
      ResourceProperties: properties,
    };
    return { slot, common };
  }

  private resourceProperties(properties: Record<string, TemplateValue>): ResourceProperties {
    return resourceProperties(this.serviceToken, properties);
  }

  private async deliver(
    request: CustomResourceRequest,
    slot: ResponseSlot,
    { firstTimeoutMs, stackStatus }: RequestOptions,
  ): Promise<Exchange> {
    this.stack.setStackStatus(stackStatus ?? statusWhileSending(request.RequestType));
    // The resource is in the status of the request's operation, in a rollback too (UPDATE_IN_PROGRESS, DELETE_IN_PROGRESS).
    this.stack.setResource?.(request.LogicalResourceId, request.ResourceType, statusWhileSending(request.RequestType));
    const event = this.snsTopicArn ? snsNotification(request, this.snsTopicArn) : request;
    const exchange = await deliverRequest(request, slot, this.stack.invoker, firstTimeoutMs, event, this.stack.events);
    await this.stack.afterRequest?.();
    return exchange;
  }
}

/**
 * What a parsed event is, for the message that refuses one that is not a custom resource request: an EventBridge
 * event by its source and detail-type, an SNS or other Records event by its sources, a request by what it lacks,
 * anything else by its top-level keys.
 */
export function describeEvent(value: unknown): string {
  if (typeof value !== 'object' || value === null)
    return `JSON ${value === null ? 'null' : typeof value}, not an object`;
  if (Array.isArray(value)) return `a JSON array of ${value.length} items, not an object`;
  const event = value as Record<string, unknown>;
  if ('detail-type' in event || ('source' in event && 'detail' in event)) {
    return `an EventBridge event (source ${JSON.stringify(event.source)}, detail-type ${JSON.stringify(event['detail-type'])})`;
  }
  if (Array.isArray(event.Records)) {
    const sources = [...new Set(event.Records.map(recordSource))];
    const sns = sources.includes('aws:sns')
      ? ': for a request that came through an SNS topic, give the request in Records[0].Sns.Message'
      : '';
    return `an event with ${event.Records.length} record(s) from ${sources.join(', ')}${sns}`;
  }
  if ('RequestType' in event) {
    const missing = REQUEST_FIELDS.filter((key) => typeof event[key] !== 'string');
    if (!['Create', 'Update', 'Delete'].includes(String(event.RequestType)))
      return `a request whose RequestType is ${JSON.stringify(event.RequestType)}, not Create, Update or Delete`;
    if (typeof event.ResourceProperties !== 'object' || event.ResourceProperties === null)
      missing.push('ResourceProperties');
    const requestType = `${event.RequestType === 'Update' ? 'an' : 'a'} ${String(event.RequestType)}`;
    if (event.RequestType !== 'Create' && typeof event.PhysicalResourceId !== 'string')
      missing.push(`PhysicalResourceId (${requestType} carries it)`);
    return `${requestType} request without ${missing.join(', ')}`;
  }
  const keys = Object.keys(event);
  return keys.length === 0
    ? 'an empty object'
    : `an object with the top-level keys ${keys.slice(0, 12).join(', ')}${keys.length > 12 ? ', …' : ''}`;
}

const REQUEST_FIELDS = ['ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId', 'ResourceType'];

/** SNS records say `EventSource`; S3, SQS and DynamoDB records `eventSource`. */
function recordSource(record: unknown): string {
  const fields = typeof record === 'object' && record !== null ? (record as Record<string, unknown>) : {};
  const source = fields.EventSource ?? fields.eventSource;
  return typeof source === 'string' ? source : 'unknown';
}

/** Whether a parsed event fixture has the fields every CloudFormation custom resource request carries. */
export function isCustomResourceRequest(value: unknown): value is CustomResourceRequest {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    ['Create', 'Update', 'Delete'].includes(String(event.RequestType)) &&
    REQUEST_FIELDS.every((key) => typeof event[key] === 'string') &&
    typeof event.ResourceProperties === 'object' &&
    event.ResourceProperties !== null &&
    (event.RequestType === 'Create' || typeof event.PhysicalResourceId === 'string')
  );
}
