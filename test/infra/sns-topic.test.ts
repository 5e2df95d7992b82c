import { getAtt, loadTemplate, properties, ref, resourcesOfType } from './cfn-yaml';

const SNS_RESOURCES = ['AWS::SNS::Topic', 'AWS::SNS::TopicPolicy', 'AWS::SNS::Subscription'];

describe('task-runner.yml offers an SNS topic as a ServiceToken for other accounts', () => {
  const template = loadTemplate('task-runner.yml');

  it('creates the topic, its policy, the subscription and the invoke permission only when accounts are given', () => {
    expect(template.Parameters?.TopicAccountIds).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    // Accounts are given as a list, or as an Organization (trust-boundaries.test.ts).
    expect(template.Conditions?.OffersTopic).toEqual({
      'Fn::Or': [{ Condition: 'ListsTopicAccounts' }, { Condition: 'ServesOrganization' }],
    });
    expect(template.Conditions?.ListsTopicAccounts).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ 'Fn::Join': ['', ref('TopicAccountIds')] }, ''] }],
    });
    const snsResources = SNS_RESOURCES.flatMap((type) => resourcesOfType(template, type));
    const snsPermissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(
      ([, permission]) => permission.Properties?.Principal === 'sns.amazonaws.com',
    );
    expect(snsResources).toHaveLength(3);
    expect(snsPermissions).toHaveLength(1);
    for (const [logicalId, found] of [...snsResources, ...snsPermissions])
      expect({ logicalId, condition: found.Condition }).toEqual({ logicalId, condition: 'OffersTopic' });
    expect(template.Outputs?.TopicServiceToken).toMatchObject({ Condition: 'OffersTopic', Value: ref('Topic') });
  });

  it('lets the given accounts publish to the topic and nothing else', () => {
    expect(properties(template, 'TopicPolicy', 'AWS::SNS::TopicPolicy')).toEqual({
      Topics: [ref('Topic')],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            'Fn::If': [
              'ListsTopicAccounts',
              {
                Sid: 'AllowedAccountsPublishRequests',
                Effect: 'Allow',
                Principal: { AWS: ref('TopicAccountIds') },
                Action: 'sns:Publish',
                Resource: ref('Topic'),
              },
              ref('AWS::NoValue'),
            ],
          },
          // The Organization's publishers (trust-boundaries.test.ts).
          expect.objectContaining({ 'Fn::If': expect.arrayContaining(['ServesOrganization']) as unknown }),
        ],
      },
    });
  });

  it("delivers the topic's notifications to the runner function, which only this topic may invoke through SNS", () => {
    expect(properties(template, 'TopicSubscription', 'AWS::SNS::Subscription')).toEqual({
      TopicArn: ref('Topic'),
      Protocol: 'lambda',
      Endpoint: getAtt('Function', 'Arn'),
    });
    expect(properties(template, 'TopicInvokesFunction', 'AWS::Lambda::Permission')).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: getAtt('Function', 'Arn'),
      Principal: 'sns.amazonaws.com',
      SourceArn: ref('Topic'),
    });
  });
});
