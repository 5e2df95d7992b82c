import { spawnSync } from 'node:child_process';

/**
 * The command that runs cfn-lint here: the `cfn-lint` script, or, when only the Python package is importable, the
 * entry point that script calls (cfn-lint 1.x has no `python3 -m cfnlint`). Undefined when there is none.
 */
export function findCfnLint(): [string, ...string[]] | undefined {
  const candidates: [string, ...string[]][] = [
    ['cfn-lint'],
    ['python3', '-c', 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())'],
  ];
  return candidates.find(
    ([command, ...args]) => spawnSync(command, [...args, '--version'], { encoding: 'utf8' }).status === 0,
  );
}
