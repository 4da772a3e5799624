// The IAM policy of one cloud node's instance role: read exactly its own node-key parameter,
// decrypt with the consortium key only for that parameter (SSM's encryption context names the
// parameter ARN), and register with Session Manager (the operator's path to the node: shell and
// port forwarding without any inbound rule). Nothing else: no ssm:GetParameter on "*".

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** Session Manager agent calls; these APIs take no resource-level restriction. */
export const SESSION_MANAGER_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
  'ec2messages:AcknowledgeMessage',
  'ec2messages:DeleteMessage',
  'ec2messages:FailMessage',
  'ec2messages:GetEndpoint',
  'ec2messages:GetMessages',
  'ec2messages:SendReply',
];

export function nodeKeyAccessPolicy(parameterArn: string, kmsKeyArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadOwnNodeKey', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameterArn },
      {
        Sid: 'DecryptOwnNodeKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: kmsKeyArn,
        Condition: { StringEquals: { 'kms:EncryptionContext:PARAMETER_ARN': parameterArn } },
      },
      { Sid: 'SessionManager', Effect: 'Allow', Action: SESSION_MANAGER_ACTIONS, Resource: '*' },
    ],
  };
}

export const EC2_ASSUME_ROLE_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;
