import { hintsFor, logHintsFor, withLogHints } from '../../src/diagnostics/failure-hints';

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
