import type { DecidedTask, TaskFacts } from '../../src/tasks/task-outcome';
import {
  failedOnTheNetwork,
  hintsFor,
  logHintsFor,
  withHintList,
  withHints,
  withLogHints,
} from '../../src/diagnostics/failure-hints';

describe('hintsFor', () => {
  it.each([
    ['RESOURCE:ENI', /awsvpcTrunking/],
    ['ATTRIBUTE', /ecs\.capability\.task-eni/],
    [
      'Capacity is unavailable at this time. Please try again later or in a different availability zone',
      /other Availability Zones/,
    ],
    [
      'CannotPullContainerError: pull image manifest: dial tcp 52.1.2.3:443: i/o timeout',
      /NAT gateway or VPC endpoints/,
    ],
    ['ResourceInitializationError: unable to pull secrets or registry auth', /NAT gateway or VPC endpoints/],
    ['OutOfMemoryError: Container killed due to memory usage', /raise its memory/],
  ])('explains %s', (text, hint) => {
    expect(hintsFor(text).join(' ')).toMatch(hint);
  });

  it('says nothing about a plain exit code', () => {
    expect(hintsFor('container "migrate" exited with code 1')).toEqual([]);
  });
});

describe('logHintsFor', () => {
  // What a migration prints when its MySQL client and the database find no TLS version in common, or when the
  // database requires TLS and the client sends none.
  it.each([
    "mysql.connector.errors.InterfaceError: 2055: Lost connection to MySQL server at 'todo.abc.eu-west-1.rds.amazonaws.com:3306', system error: 1 [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol (_ssl.c:1129)",
    'ssl.SSLError: [SSL: TLSV1_ALERT_PROTOCOL_VERSION] tlsv1 alert protocol version (_ssl.c:852)',
    'ERROR 2026 (HY000): SSL connection error: error:0A00010B:SSL routines::wrong version number',
    "django.db.utils.OperationalError: (3159, 'Connections using insecure transport are prohibited while --require_secure_transport=ON.')",
  ])('explains %s as a TLS client that the database refuses', (line) => {
    const hints = logHintsFor(['Operations to perform:', line]);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/TLS 1\.2 and 1\.3 only/);
    expect(hints[0]).toMatch(/mysql-connector-python 8\.0\.11 and 8\.0\.12 offer TLS 1\.0 only/);
  });

  it('says what to rebuild, whole', () => {
    expect(withLogHints('Task 0a1b failed.', ['ssl.SSLError: [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol'])).toBe(
      "Task 0a1b failed. Hint: the container's client could not open a TLS connection: it offered no TLS, or a TLS" +
        " version the server refuses, or did not trust the server's certificate — RDS for MySQL 8.0.28 and later and" +
        ' 8.4 accept TLS 1.2 and 1.3 only, and a database with require_secure_transport refuses clear text; rebuild' +
        ' the image with a client that negotiates TLS 1.2 (mysql-connector-python 8.0.11 and 8.0.12 offer TLS 1.0' +
        ' only; 8.0.28 and later default to TLS 1.2 and 1.3) and, to verify the server, the RDS certificate bundle.',
    );
  });

  it('says nothing about an application error that has nothing to do with TLS', () => {
    expect(
      logHintsFor([
        'Operations to perform: Apply all migrations: todo',
        "django.db.utils.OperationalError: (1045, \"Access denied for user 'todo'@'10.0.1.23'\")",
        'User is not authorized to view this page',
      ]),
    ).toEqual([]);
  });

  it('appends the hint once, however many lines show the failure', () => {
    const text = withLogHints('Task 0a1b failed: container "migrate" exited with code 1.', [
      'ssl.SSLError: [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol',
      'ssl.SSLError: [SSL: UNSUPPORTED_PROTOCOL] unsupported protocol',
    ]);
    expect(text).toMatch(/^Task 0a1b failed: container "migrate" exited with code 1\. Hint: the container's client/);
    expect(text.match(/Hint:/g)).toHaveLength(1);
  });
});

describe('the hint a stack event gives for what ECS said', () => {
  const ENI =
    'no container instance has a free network interface: every awsvpc task on EC2 needs its own ENI and the' +
    ' primary ENI counts (a t2.micro fits 1 task, a c5.large 2) — add instances, use larger instance types,' +
    ' or turn on awsvpcTrunking';
  const MEMORY =
    'no container instance has enough free CPU or memory for the task — add capacity or lower the task size';
  const NETWORK =
    'the task could not reach ECR, S3, CloudWatch Logs or Secrets Manager: a private subnet needs a 0.0.0.0/0' +
    ' route to a NAT gateway or VPC endpoints (ecr.api, ecr.dkr, S3 gateway, logs, secretsmanager/ssm);' +
    ' a Fargate task in a public subnet needs AssignPublicIp ENABLED';

  it.each([
    [
      'ATTRIBUTE',
      'no container instance has the attributes the task needs; awsvpc tasks need ecs.capability.task-eni' +
        ' — use a current ECS-optimized AMI and check placement constraints',
    ],
    ['RESOURCE:CPU', MEMORY],
    ['RESOURCE:MEMORY', MEMORY],
    [
      'RESOURCE:PORTS',
      'the host port the task needs is taken on every instance — awsvpc tasks do not share the host network, so prefer NetworkMode awsvpc',
    ],
    [
      'capacity is unavailable at this time',
      "Fargate had no capacity in the subnets' Availability Zones — retry later or add subnets in other Availability Zones",
    ],
    ['CannotPullContainerError: ref pull has been retried 5 time(s)', NETWORK],
    ['ResourceInitializationError: failed to validate logger args', NETWORK],
    ['unable to pull secrets or registry auth: execution resource retrieval failed', NETWORK],
    ['failed to initialize logging driver: context deadline exceeded', NETWORK],
    ['dial tcp 10.0.0.1:443: i/o timeout', NETWORK],
    [
      'container "migrate" exited with code 137',
      'the container was killed (out of memory or SIGKILL) — raise its memory in the task definition or in Overrides',
    ],
    [
      'OutOfMemoryError: Container killed due to memory usage',
      'the container was killed (out of memory or SIGKILL) — raise its memory in the task definition or in Overrides',
    ],
    [
      'User: arn:aws:sts::123456789012:assumed-role/runner is Not Authorized to perform: iam:PassRole',
      'the runner\'s role lacks a permission — see "IAM permissions" (docs/iam.md) in the ecs-task-runner repository' +
        ' (RunTask also needs iam:PassRole for the task and execution roles)',
    ],
  ])('after %j, says: %s', (said, hint) => {
    expect(withHints(`Task 0a1b failed: ${said}.`)).toBe(`Task 0a1b failed: ${said}. Hint: ${hint}.`);
  });

  it.each([
    'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3: 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3: not found',
    'CannotPullContainerError: Error response from daemon: manifest for 123456789012.dkr.ecr.us-east-1.amazonaws.com/todobackend:1.4.3 not found: manifest unknown: Requested image not found',
  ])('sends a missing image to its name and tag, not to the network: %s', (said) => {
    expect(withHints(`Task 0a1b failed: ${said}.`)).toBe(
      `Task 0a1b failed: ${said}. Hint: the registry has no such repository, image or tag — check the image (and` +
        ' its tag) in the task definition or in Overrides, and that it was pushed to that registry and Region' +
        ' before the stack operation.',
    );
  });

  it('gives every hint that applies, in one sentence, in a fixed order', () => {
    expect(withHints('RunTask started 0 of 2 tasks: RESOURCE:MEMORY; RESOURCE:ENI.')).toBe(
      `RunTask started 0 of 2 tasks: RESOURCE:MEMORY; RESOURCE:ENI. Hint: ${ENI}; ${MEMORY}.`,
    );
  });

  it.each([
    ['an exit code that only starts with 137', 'container "migrate" exited with code 1370'],
    ['a word that only contains ATTRIBUTE', 'ATTRIBUTES of the task'],
    ['another resource', 'RESOURCE:GPU'],
  ])('gives no hint for %s', (_, text) => {
    expect(withHints(text)).toBe(text);
  });

  it('appends hints given as a list, and nothing for an empty one', () => {
    expect(withHintList('ListTasks failed.', ['one', 'two'])).toBe('ListTasks failed. Hint: one; two.');
    expect(withHintList('ListTasks failed.', [])).toBe('ListTasks failed.');
    expect(withLogHints('Task failed.', ['plain application error'])).toBe('Task failed.');
  });
});

describe('whether a failed start points at the network path', () => {
  const task = (facts: Partial<TaskFacts>): DecidedTask => ({
    taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/c/0a1b',
    lastStatus: 'STOPPED',
    failures: [],
    verdict: 'failed',
    ...facts,
  });

  it("reads a container's reason and the task's stopped reason", () => {
    const pull = task({ failures: [{ name: 'migrate', reason: 'CannotPullContainerError: i/o timeout' }] });
    const secrets = task({ stoppedReason: 'ResourceInitializationError: unable to pull secrets or registry auth' });
    expect(failedOnTheNetwork([pull])).toBe(true);
    expect(failedOnTheNetwork([secrets])).toBe(true);
  });

  it('is false when the registry answered that the image does not exist', () => {
    const missing = task({
      failures: [
        {
          name: 'migrate',
          reason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref todobackend:1.4.3: not found',
        },
      ],
    });
    expect(failedOnTheNetwork([missing])).toBe(false);
  });

  it('is true when one of several tasks failed that way, false when none did', () => {
    const exited = task({ failures: [{ name: 'migrate', exitCode: 1 }], stoppedReason: 'Essential container exited' });
    const pull = task({ failures: [{ name: 'migrate', reason: 'CannotPullContainerError: i/o timeout' }] });
    expect(failedOnTheNetwork([exited, pull])).toBe(true);
    expect(failedOnTheNetwork([exited, exited])).toBe(false);
    expect(failedOnTheNetwork([])).toBe(false);
  });
});

describe('the hint for TLS in a log', () => {
  it('reads every line, not just the first, and ignores case', () => {
    expect(logHintsFor(['Operations to perform:', 'ERROR 2026 (HY000): ssl CONNECTION ERROR'])).toHaveLength(1);
    expect(logHintsFor(['WRONG VERSION NUMBER'])).toHaveLength(1);
    expect(logHintsFor([])).toEqual([]);
  });
});
