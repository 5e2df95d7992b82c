import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One AWS API call in the source: `new XxxCommand(` with XxxCommand imported from `@aws-sdk/client-<client>`. */
export interface SdkCall {
  file: string;
  client: string;
  command: string;
  /** The IAM action the call needs, e.g. `ecs:RunTask`. */
  action: string;
}

export interface ScanResult {
  calls: SdkCall[];
  /** `new …Command(` expressions whose command the scanner could not trace to an SDK client import. */
  unresolved: string[];
}

/** IAM service prefix of each SDK v3 client package (the part after `@aws-sdk/client-`). */
const IAM_PREFIX: Record<string, string> = {
  ecs: 'ecs',
  ec2: 'ec2',
  lambda: 'lambda',
  cloudformation: 'cloudformation',
  'cloudwatch-logs': 'logs',
  sts: 'sts',
  dynamodb: 'dynamodb',
};

/** Commands whose IAM action is not named like the command. */
const ACTION_OF_COMMAND: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
};

const CLIENT_IMPORT = /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]/g;
const NEW_EXPRESSION = /\bnew\s+([A-Za-z_$][\w$.]*)\s*\(/g;

/** The AWS calls in one source file. */
export function scanSource(file: string, text: string): ScanResult {
  // local name → [client, exported command name]
  const imported = new Map<string, [string, string]>();
  for (const [, specifiers = '', client = ''] of text.matchAll(CLIENT_IMPORT)) {
    for (const specifier of specifiers.split(',')) {
      const [exported = '', alias] = specifier
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/);
      if (exported) imported.set(alias ?? exported, [client, exported]);
    }
  }

  const calls: SdkCall[] = [];
  const unresolved: string[] = [];
  for (const [, local = ''] of text.matchAll(NEW_EXPRESSION)) {
    const [client, command] = imported.get(local) ?? [];
    if (client === undefined || command === undefined) {
      if (local.endsWith('Command')) unresolved.push(`${file}: new ${local}(`);
      continue;
    }
    if (!command.endsWith('Command')) continue; // a client, not a call
    const prefix = IAM_PREFIX[client];
    if (!prefix) {
      unresolved.push(
        `${file}: new ${local}( from @aws-sdk/client-${client}, whose IAM prefix the scanner does not know yet`,
      );
      continue;
    }
    const named = `${prefix}:${command.replace(/Command$/, '')}`;
    calls.push({ file, client, command, action: ACTION_OF_COMMAND[named] ?? named });
  }
  return { calls, unresolved };
}

/** The AWS calls in every `.ts` file under `dir`. */
export function scanDirectory(dir: string): ScanResult {
  const result: ScanResult = { calls: [], unresolved: [] };
  for (const file of typeScriptFiles(dir)) {
    const { calls, unresolved } = scanSource(path.relative(path.dirname(dir), file), readFileSync(file, 'utf8'));
    result.calls.push(...calls);
    result.unresolved.push(...unresolved);
  }
  return result;
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(full);
    return entry.isFile() && entry.name.endsWith('.ts') ? [full] : [];
  });
}
