import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './bundle';
import { lastLines, MotoUnavailableError } from './moto';

/** What the local tools install when no interpreter has moto: the server extras are what `python -m moto.server` needs. */
export const MOTO_REQUIREMENT = 'moto[server]>=5.2,<6';
/** The project-local virtual environment (ignored by git) that the tools create when no interpreter has moto. */
export const PROJECT_VENV = path.join(PROJECT_ROOT, '.moto', 'venv');

export interface MotoPythonOptions {
  /** MOTO_PYTHON, and what pip reads (PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, proxies): default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the virtual environment goes; default .moto/venv in the project. */
  venvDir?: string;
  /** The Python 3 checked for moto first, and that creates the virtual environment; default python3 on PATH. */
  systemPython?: string;
  /** What the bootstrap is doing, one line at a time. */
  log?: (line: string) => void;
}

/** An interpreter that can run moto's server. */
export interface MotoPython {
  python: string;
  motoVersion: string;
}

type Inspection = { kind: 'ready'; motoVersion: string } | { kind: 'no-python' } | { kind: 'unsuitable'; why: string };

/**
 * The interpreter that runs moto, without installing anything: MOTO_PYTHON when set; otherwise the project's
 * virtual environment when it has moto, then python3 on PATH when it has moto. `problem` says what is missing.
 */
export function findMotoPython(options: MotoPythonOptions = {}): MotoPython | { problem: string } {
  const env = options.env ?? process.env;
  const override = env.MOTO_PYTHON;
  if (override) {
    const inspection = inspect(override, env);
    return inspection.kind === 'ready'
      ? { python: override, motoVersion: inspection.motoVersion }
      : { problem: overrideProblem(override, inspection) };
  }
  const venvPython = venvInterpreter(options.venvDir ?? PROJECT_VENV);
  const systemPython = options.systemPython ?? 'python3';
  const candidates = existsSync(venvPython) ? [venvPython, systemPython] : [systemPython];
  const problems: string[] = [];
  for (const python of candidates) {
    const inspection = inspect(python, env);
    if (inspection.kind === 'ready') return { python, motoVersion: inspection.motoVersion };
    problems.push(inspection.kind === 'no-python' ? `${python} was not found` : `${python} ${inspection.why}`);
  }
  return { problem: `${problems.join('; ')}.` };
}

/**
 * The interpreter that runs moto, setting one up when there is none: with MOTO_PYTHON unset and no interpreter
 * with moto, it creates the project's virtual environment with python3 and installs moto into it with pip, under
 * pip's own settings. Later runs find it there. Rejects with a MotoUnavailableError that says how to fix it.
 */
export async function ensureMotoPython(options: MotoPythonOptions = {}): Promise<MotoPython> {
  const found = findMotoPython(options);
  if ('python' in found) return found;
  const env = options.env ?? process.env;
  if (env.MOTO_PYTHON) throw new MotoUnavailableError(found.problem);
  const log = options.log ?? (() => undefined);
  const venvDir = options.venvDir ?? PROJECT_VENV;
  const systemPython = options.systemPython ?? 'python3';
  const where = displayPath(venvDir);
  const started = Date.now();

  if (!existsSync(venvInterpreter(venvDir))) {
    if (inspect(systemPython, env).kind === 'no-python') throw new MotoUnavailableError(noPython(systemPython));
    log(
      `No Python here has moto (${found.problem.replace(/\.$/, '')}): creating a virtual environment in ${where}, once`,
    );
    const created = await run(systemPython, ['-m', 'venv', venvDir], env);
    if (created.code !== 0) {
      throw new MotoUnavailableError(
        `${systemPython} could not create a virtual environment in ${where}:\n${lastLines(created.output)}\n` +
          `On Debian or Ubuntu, install the venv module (apt-get install python3-venv), or ${installYourself()}`,
      );
    }
  }
  log(
    `Installing ${MOTO_REQUIREMENT} into ${where} with pip (pip's own settings apply: PIP_INDEX_URL, PIP_FIND_LINKS, PIP_NO_INDEX, proxies); this takes a minute or two`,
  );
  const installed = await run(
    venvInterpreter(venvDir),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', MOTO_REQUIREMENT],
    env,
  );
  const ready = installed.code === 0 ? inspect(venvInterpreter(venvDir), env) : undefined;
  if (ready?.kind !== 'ready') {
    throw new MotoUnavailableError(
      `pip could not install ${MOTO_REQUIREMENT} into ${where}:\n${lastLines(installed.output)}\n` +
        'To fix it: check the network and the proxy (pip reads HTTPS_PROXY); use a package mirror with PIP_INDEX_URL; ' +
        `install offline from a folder of wheels with PIP_NO_INDEX=1 PIP_FIND_LINKS=/path/to/wheels; or ${installYourself()}`,
    );
  }
  log(
    `Installed moto ${ready.motoVersion} into ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s; later runs use it as it is`,
  );
  return { python: venvInterpreter(venvDir), motoVersion: ready.motoVersion };
}

/**
 * Asks the interpreter for moto's version and whether the requirements of its `server` extra are installed (the
 * ones marked only `extra == "server"`), from the installed packages' metadata: nothing is imported, so it is fast.
 */
const INSPECT_SCRIPT = String.raw`
import json, re
from importlib import metadata
try:
    dist = metadata.distribution("moto")
except metadata.PackageNotFoundError:
    print(json.dumps({"moto": None, "missing": []}))
    raise SystemExit(0)
missing = []
for requirement in dist.requires or []:
    name, _, marker = requirement.partition(";")
    if re.fullmatch(r"\s*extra\s*==\s*['\"]server['\"]\s*", marker):
        name = re.match(r"\s*([A-Za-z0-9._-]+)", name).group(1)
        try:
            metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
print(json.dumps({"moto": dist.version, "missing": missing}))
`;

function inspect(python: string, env: NodeJS.ProcessEnv): Inspection {
  const result = spawnSync(python, ['-c', INSPECT_SCRIPT], { encoding: 'utf8', env });
  if (result.error) return { kind: 'no-python' };
  if (result.status !== 0)
    return { kind: 'unsuitable', why: `could not be asked about moto: ${lastLines(result.stderr)}` };
  let report: { moto: string | null; missing: string[] };
  try {
    report = JSON.parse(result.stdout) as typeof report;
  } catch {
    return { kind: 'unsuitable', why: `answered ${JSON.stringify(result.stdout.trim())} when asked about moto` };
  }
  if (report.moto === null) return { kind: 'unsuitable', why: 'has no moto' };
  if (!isSupportedMoto(report.moto))
    return { kind: 'unsuitable', why: `has moto ${report.moto}, not ${MOTO_REQUIREMENT.replace('moto[server]', '')}` };
  if (report.missing.length > 0)
    return {
      kind: 'unsuitable',
      why: `has moto ${report.moto} without its server extras (${report.missing.join(', ')})`,
    };
  return { kind: 'ready', motoVersion: report.moto };
}

/** 5.2 or a later 5.x. */
function isSupportedMoto(version: string): boolean {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === 5 && (minor ?? 0) >= 2;
}

function venvInterpreter(venvDir: string): string {
  return process.platform === 'win32'
    ? path.join(venvDir, 'Scripts', 'python.exe')
    : path.join(venvDir, 'bin', 'python');
}

function overrideProblem(python: string, inspection: Exclude<Inspection, { kind: 'ready' }>): string {
  if (inspection.kind === 'no-python')
    return `MOTO_PYTHON is ${python}, which was not found. Point it at a Python 3 with moto, or unset it to let the tools set up ${displayPath(PROJECT_VENV)}.`;
  return `MOTO_PYTHON is ${python}, which ${inspection.why}: run ${python} -m pip install "${MOTO_REQUIREMENT}", or unset MOTO_PYTHON to let the tools set up ${displayPath(PROJECT_VENV)}.`;
}

function noPython(python: string): string {
  return `${python} was not found, and the local tools need Python 3 to run moto (which plays AWS here). Install Python 3 (with its venv module), or point MOTO_PYTHON at a Python 3 that has ${MOTO_REQUIREMENT}.`;
}

function installYourself(): string {
  return `install it yourself (python3 -m pip install "${MOTO_REQUIREMENT}") and point MOTO_PYTHON at that interpreter.`;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', (error) => resolve({ code: null, output: `${output}${error.message}` }));
    child.once('close', (code) => resolve({ code, output }));
  });
}

function displayPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
