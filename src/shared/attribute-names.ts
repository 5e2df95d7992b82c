/**
 * The attributes every answer carries in `Data` (what `Fn::GetAtt` reads), always all of them. Declared `Outputs`
 * come on top and may not reuse these names.
 */
export const BUILT_IN_ATTRIBUTES = [
  'TaskArn',
  'TaskArns',
  'TaskId',
  'ExitCode',
  'StopCode',
  'StoppedReason',
  'Attempts',
] as const;
