import { IMAGE_NOT_FOUND } from '../tasks/start-failure';
import type { DecidedTask } from '../tasks/task-outcome';

/**
 * What ECS's own words about a task or a placement mean (stop reasons, container reasons, RunTask `failures[]`):
 * read here only. Hints for the failures people meet most with ECS task networking; each tells the reader what to
 * change, so that the stack event answers the question without another console. An AWS error is never read here: the
 * classifier in aws/aws-errors.ts says what it is.
 */

/** ECS's words when a task could not reach a registry, secrets or logs at start: the network path is suspect. */
const NETWORK_START_FAILURE =
  /ResourceInitializationError|CannotPullContainerError|unable to pull secrets|registry auth|i\/o timeout|failed to initialize logging driver/i;

/**
 * A pull that reached the registry, which said the repository, image or tag does not exist (ECS's
 * "CannotPullContainerError: ... not found", ECR's "manifest unknown"): the network worked, the image name did not.
 * In the words start-failure.ts treats as final (image-not-found).
 */
const PULLED_IMAGE_NOT_FOUND = new RegExp(
  `CannotPullContainerError.*(${IMAGE_NOT_FOUND.source})`,
  IMAGE_NOT_FOUND.flags,
);

/** An AWS call was denied (aws-errors.ts's isPermissionDenied), or ECS says a task was. */
export const PERMISSION_HINT =
  'the runner\'s role lacks a permission — see "IAM permissions" (docs/iam.md) in the ecs-task-runner repository' +
  ' (RunTask also needs iam:PassRole for the task and execution roles)';

/** ECS says a failed task could not reach what it needs to start: the network path is worth inspecting. */
export function failedOnTheNetwork(tasks: readonly DecidedTask[]): boolean {
  return tasks.some((task) => {
    const said = JSON.stringify([task.failures, task.stoppedReason]);
    return NETWORK_START_FAILURE.test(said) && !PULLED_IMAGE_NOT_FOUND.test(said);
  });
}

interface Hint {
  matches: RegExp;
  /** Words that mean another hint applies instead, although `matches` matches. */
  unless?: RegExp;
  hint: string;
}

const HINTS: readonly Hint[] = [
  {
    matches: /RESOURCE:ENI/,
    hint:
      'no container instance has a free network interface: every awsvpc task on EC2 needs its own ENI and the' +
      ' primary ENI counts (a t2.micro fits 1 task, a c5.large 2) — add instances, use larger instance types,' +
      ' or turn on awsvpcTrunking',
  },
  {
    matches: /\bATTRIBUTE\b/,
    hint:
      'no container instance has the attributes the task needs; awsvpc tasks need ecs.capability.task-eni' +
      ' — use a current ECS-optimized AMI and check placement constraints',
  },
  {
    matches: /RESOURCE:(CPU|MEMORY)/,
    hint: 'no container instance has enough free CPU or memory for the task — add capacity or lower the task size',
  },
  {
    matches: /RESOURCE:PORTS/,
    hint: 'the host port the task needs is taken on every instance — awsvpc tasks do not share the host network, so prefer NetworkMode awsvpc',
  },
  {
    matches: /Capacity is unavailable/i,
    hint: "Fargate had no capacity in the subnets' Availability Zones — retry later or add subnets in other Availability Zones",
  },
  {
    matches: PULLED_IMAGE_NOT_FOUND,
    hint:
      'the registry has no such repository, image or tag — check the image (and its tag) in the task definition or' +
      ' in Overrides, and that it was pushed to that registry and Region before the stack operation',
  },
  {
    matches: NETWORK_START_FAILURE,
    unless: PULLED_IMAGE_NOT_FOUND,
    hint:
      'the task could not reach ECR, S3, CloudWatch Logs or Secrets Manager: a private subnet needs a 0.0.0.0/0' +
      ' route to a NAT gateway or VPC endpoints (ecr.api, ecr.dkr, S3 gateway, logs, secretsmanager/ssm);' +
      ' a Fargate task in a public subnet needs AssignPublicIp ENABLED',
  },
  {
    matches: /OutOfMemory|exit code 137\b|exited with code 137\b/i,
    hint: 'the container was killed (out of memory or SIGKILL) — raise its memory in the task definition or in Overrides',
  },
  {
    matches: /AccessDenied|not authorized/i,
    hint: PERMISSION_HINT,
  },
];

/**
 * What a failed container's own log lines may show. Kept apart from HINTS: an application's log says anything, and
 * only these patterns mean the same thing wherever they appear.
 */
const LOG_HINTS: readonly Hint[] = [
  {
    // Python's ssl module ("[SSL: UNSUPPORTED_PROTOCOL]", "TLSV1_ALERT_PROTOCOL_VERSION", "wrong version number"),
    // the mysql client ("ERROR 2026 (HY000): SSL connection error") and MySQL's refusal of clear text (error 3159).
    matches:
      /\[SSL: [A-Z0-9_]+\]|TLSV1_ALERT_PROTOCOL_VERSION|ssl\.SSLError|SSL connection error|wrong version number|insecure transport are prohibited/i,
    hint:
      "the container's client could not open a TLS connection: it offered no TLS, or a TLS version the server" +
      " refuses, or did not trust the server's certificate — RDS for MySQL 8.0.28 and later and 8.4 accept TLS 1.2" +
      ' and 1.3 only, and a database with require_secure_transport refuses clear text; rebuild the image with a' +
      ' client that negotiates TLS 1.2 (mysql-connector-python 8.0.11 and 8.0.12 offer TLS 1.0 only; 8.0.28 and' +
      ' later default to TLS 1.2 and 1.3) and, to verify the server, the RDS certificate bundle',
  },
];

/** The hints that apply to a failure description; empty when nothing is known about it. */
export function hintsFor(text: string): string[] {
  return HINTS.filter((entry) => entry.matches.test(text) && !entry.unless?.test(text)).map((entry) => entry.hint);
}

/** `text` (a description quoting ECS) with every applicable hint appended. */
export function withHints(text: string): string {
  return withHintList(text, hintsFor(text));
}

/** The hints that a failed container's last log lines call for. */
export function logHintsFor(lines: readonly string[]): string[] {
  return LOG_HINTS.filter((entry) => lines.some((line) => entry.matches.test(line))).map((entry) => entry.hint);
}

/** `text` with the hints for these log lines appended. */
export function withLogHints(text: string, lines: readonly string[]): string {
  return withHintList(text, logHintsFor(lines));
}

/** `text` with `hints` appended. */
export function withHintList(text: string, hints: readonly string[]): string {
  return hints.length === 0 ? text : `${text} Hint: ${hints.join('; ')}.`;
}
