// The declarations of parser/index.js, which the build bundles from the runner's src/properties/runner-properties.ts
// (CommonJS, inside this package). Only what the construct uses; test/parser-bundle.test.ts checks that the
// runner's own module satisfies them.

/** Every property name the runner accepts. */
export declare const PROPERTY_NAMES: readonly string[];

/** The runner's verdict on a resource's properties (every scalar a string, as CloudFormation sends them). */
export declare function parseRunnerProperties(
  raw: Record<string, unknown> | undefined,
): { kind: 'valid' } | { kind: 'invalid'; problems: string[] };

/** true or false when launch type or capacity providers say where the tasks run; undefined for the cluster's default. */
export declare function runsOnFargate(properties: {
  launchType?: 'EC2' | 'FARGATE' | 'EXTERNAL';
  capacityProviderStrategy?: { capacityProvider: string }[];
}): boolean | undefined;
