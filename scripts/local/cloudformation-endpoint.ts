import { randomUUID } from 'node:crypto';
import { type LoopbackServer, startLoopbackServer } from './http-server';

export interface LocalCloudFormationEndpoint {
  /** What AWS_ENDPOINT_URL_CLOUDFORMATION must be set to. */
  readonly url: string;
  /** The status DescribeStacks answers from now on, for the stack `stackId`. */
  setStackStatus(stackId: string, status: string): void;
  /** What DescribeStackResource answers from now on for the resource `logicalResourceId` of the stack `stackId`. */
  setResource(stackId: string, logicalResourceId: string, resourceType: string, status: string): void;
  close(): Promise<void>;
}

/**
 * The status CloudFormation's stack is in while it sends a request of `requestType`: a Create comes during a stack
 * creation (or an update that adds the resource), an Update during an update, a Delete during a deletion.
 */
export function statusWhileSending(requestType: 'Create' | 'Update' | 'Delete'): string {
  switch (requestType) {
    case 'Create':
      return 'CREATE_IN_PROGRESS';
    case 'Update':
      return 'UPDATE_IN_PROGRESS';
    case 'Delete':
      return 'DELETE_IN_PROGRESS';
  }
}

/**
 * Stands in for CloudFormation's DescribeStacks and DescribeStackResource, the CloudFormation calls the runner makes. The local tools play
 * CloudFormation: they send the requests, so they also say what the stack's status is while they do (moto's stacks
 * are always complete, which no stack is while CloudFormation waits for a custom resource). The SDK speaks the
 * awsQuery protocol here: a form-encoded POST, answered in XML (CloudFormation API reference, DescribeStacks).
 * Anything else is refused, so a new CloudFormation call in the handler shows up as a failure.
 */
export async function startLocalCloudFormationEndpoint(): Promise<LocalCloudFormationEndpoint> {
  const statuses = new Map<string, string>();
  const resources = new Map<string, { type: string; status: string }>();
  const server: LoopbackServer = await startLoopbackServer((request) => {
    const form = new URLSearchParams(request.body);
    if (request.method === 'POST' && form.get('Action') === 'DescribeStackResource')
      return describeStackResource(form.get('StackName') ?? '', form.get('LogicalResourceId') ?? '', resources);
    if (request.method !== 'POST' || form.get('Action') !== 'DescribeStacks')
      return refuse(
        400,
        'InvalidAction',
        `The local CloudFormation answers DescribeStacks and DescribeStackResource only, not ${form.get('Action')}`,
      );
    const stackId = form.get('StackName') ?? '';
    const status = statuses.get(stackId);
    if (status === undefined) return refuse(400, 'ValidationError', `Stack with id ${stackId} does not exist`);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult>' +
        `<Stacks><member><StackId>${escapeXml(stackId)}</StackId><StackName>${escapeXml(nameOf(stackId))}</StackName>` +
        `<StackStatus>${escapeXml(status)}</StackStatus><CreationTime>${new Date().toISOString()}</CreationTime>` +
        '</member></Stacks></DescribeStacksResult>' +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    };
  });
  return {
    url: server.url,
    setStackStatus: (stackId, status) => void statuses.set(stackId, status),
    setResource: (stackId, logicalResourceId, type, status) =>
      void resources.set(`${stackId} ${logicalResourceId}`, { type, status }),
    close: () => server.close(),
  };
}

/** DescribeStackResource's answer (CloudFormation API reference, StackResourceDetail), or its "does not exist". */
function describeStackResource(
  stackId: string,
  logicalResourceId: string,
  resources: Map<string, { type: string; status: string }>,
) {
  const found = resources.get(`${stackId} ${logicalResourceId}`);
  if (found === undefined)
    return refuse(400, 'ValidationError', `Resource ${logicalResourceId} does not exist for stack ${stackId}`);
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body:
      '<DescribeStackResourceResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">' +
      '<DescribeStackResourceResult><StackResourceDetail>' +
      `<StackId>${escapeXml(stackId)}</StackId><StackName>${escapeXml(nameOf(stackId))}</StackName>` +
      `<LogicalResourceId>${escapeXml(logicalResourceId)}</LogicalResourceId>` +
      `<ResourceType>${escapeXml(found.type)}</ResourceType><ResourceStatus>${escapeXml(found.status)}</ResourceStatus>` +
      `<LastUpdatedTimestamp>${new Date().toISOString()}</LastUpdatedTimestamp>` +
      '</StackResourceDetail></DescribeStackResourceResult>' +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStackResourceResponse>`,
  };
}

/** The stack's name, from its ID (arn:…:stack/NAME/GUID) or the name itself. */
function nameOf(stackId: string): string {
  return /:stack\/([^/]+)\//.exec(stackId)?.[1] ?? stackId;
}

function refuse(status: number, code: string, message: string) {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type>` +
      `<Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
