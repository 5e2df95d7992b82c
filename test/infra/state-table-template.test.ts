import { getAtt, loadTemplate, properties, ref } from './cfn-yaml';

const runner = loadTemplate('task-runner.yml');

describe("task-runner.yml's state table", () => {
  const table = properties(runner, 'StateTable', 'AWS::DynamoDB::Table');

  it('is on demand, encrypted, recoverable, keyed by one string pk, with TTL on expiresAt', () => {
    expect(table).toEqual({
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('is given to the function as STATE_TABLE_NAME', () => {
    const fn = properties(runner, 'Function', 'AWS::Lambda::Function');
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.STATE_TABLE_NAME).toEqual(ref('StateTable'));
    expect(runner.Outputs?.StateTableName?.Value).toEqual(ref('StateTable'));
  });

  it('is the only table the role may touch, and only to read and write an item', () => {
    const role = properties(runner, 'Role', 'AWS::IAM::Role');
    const statements = (role.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement,
    );
    expect(statements.filter((statement) => JSON.stringify(statement).includes('"dynamodb:'))).toEqual([
      {
        Sid: 'KeepResourceState',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
        Resource: getAtt('StateTable', 'Arn'),
      },
    ]);
  });
});
