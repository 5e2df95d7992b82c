/** ARN shapes the properties take, with the words a problem uses when a value is not one. */
export const ROLE_ARN = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
  patternHint: 'is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)',
};

/** An object in a bucket: `arn:aws:s3:::bucket/key` (S3 ARNs carry no region or account). */
export const S3_OBJECT_ARN = {
  pattern: /^arn:aws[a-z-]*:s3:::[^/]+\/.+$/,
  patternHint: 'is not an S3 object ARN (arn:aws:s3:::BUCKET/KEY)',
};
