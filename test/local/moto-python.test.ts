import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { MotoUnavailableError, startMoto } from '../../scripts/local/moto';
import { ensureMotoPython, findMotoPython, type MotoPythonOptions } from '../../scripts/local/moto-python';

/**
 * The bootstrap, offline: pip is pointed at a folder with a stand-in "moto 5.2.0" wheel built here (PIP_NO_INDEX,
 * PIP_FIND_LINKS). Its `moto.server` is a tiny HTTP server that prints what moto's does, so starting it proves the
 * interpreter the bootstrap hands over can run `-m moto.server`. The "system" Python is a virtual environment
 * without moto (and without pip), standing in for a machine where python3 has no moto.
 */
const STAND_IN_SERVER = `
import argparse, http.server, sys
parser = argparse.ArgumentParser()
parser.add_argument("-H", default="127.0.0.1")
parser.add_argument("-p", type=int, default=5000)
args = parser.parse_args()
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"stand-in moto")
server = http.server.HTTPServer((args.H, args.p), Handler)
print(" * Running on http://%s:%d" % (args.H, server.server_port), file=sys.stderr, flush=True)
server.serve_forever()
`;

function buildStandInWheel(folder: string): void {
  const distInfo = 'moto-5.2.0.dist-info';
  const files: Record<string, string> = {
    'moto/__init__.py': '__version__ = "5.2.0"\n',
    'moto/server.py': STAND_IN_SERVER,
    [`${distInfo}/METADATA`]: 'Metadata-Version: 2.1\nName: moto\nVersion: 5.2.0\nProvides-Extra: server\n',
    [`${distInfo}/WHEEL`]:
      'Wheel-Version: 1.0\nGenerator: ecs-task-runner-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
  };
  files[`${distInfo}/RECORD`] =
    `${[...Object.keys(files), `${distInfo}/RECORD`].map((name) => `${name},,`).join('\n')}\n`;
  const entries = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]));
  writeFileSync(path.join(folder, 'moto-5.2.0-py3-none-any.whl'), zipSync(entries));
}

const hasPython = spawnSync('python3', ['--version']).status === 0;
if (!hasPython && process.env.CI !== 'true')
  process.stderr.write('\nSKIPPED the moto bootstrap tests: they need python3. (Under CI=true they fail instead.)\n');

(hasPython || process.env.CI === 'true' ? describe : describe.skip)(
  "moto's Python on a machine whose python3 has no moto",
  () => {
    let work: string;
    let wheels: string;
    let options: MotoPythonOptions & { env: NodeJS.ProcessEnv; venvDir: string };
    let lines: string[];

    beforeAll(() => {
      work = mkdtempSync(path.join(tmpdir(), 'moto-bootstrap-'));
      wheels = path.join(work, 'wheels');
      mkdirSync(wheels);
      const bare = spawnSync('python3', ['-m', 'venv', '--without-pip', path.join(work, 'bare')], { encoding: 'utf8' });
      if (bare.status !== 0) throw new Error(`python3 -m venv failed: ${bare.stderr}`);
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => key !== 'MOTO_PYTHON' && !key.startsWith('PIP_')),
      );
      lines = [];
      options = {
        // No pip configuration of this machine (a pip.conf with its own find-links or index) may take part.
        env: {
          ...env,
          PIP_CONFIG_FILE: devNull,
          PIP_NO_INDEX: '1',
          PIP_FIND_LINKS: wheels,
          PIP_DISABLE_PIP_VERSION_CHECK: '1',
        },
        venvDir: path.join(work, 'venv'),
        systemPython: path.join(work, 'bare', 'bin', 'python'),
        log: (line) => lines.push(line),
      };
    });

    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('says what pip could not do, and how to fix it, when pip cannot get moto', async () => {
      const failure = ensureMotoPython(options);

      await expect(failure).rejects.toBeInstanceOf(MotoUnavailableError);
      await expect(failure).rejects.toThrow(
        /pip could not install moto\[server\]>=5\.2,<6 into .*venv:\n[\s\S]*No matching distribution found for moto/,
      );
      await expect(failure).rejects.toThrow(/PIP_INDEX_URL.*PIP_NO_INDEX=1 PIP_FIND_LINKS=.*MOTO_PYTHON/);
      expect(lines[0]).toMatch(
        /^No Python here has moto \(.*bare\/bin\/python has no moto\): creating a virtual environment in .*venv, once$/,
      );
    }, 60_000);

    it("creates the virtual environment, installs moto with pip's settings, says so and how long it took", async () => {
      buildStandInWheel(wheels);
      lines = [];

      const found = await ensureMotoPython(options);

      expect(found).toEqual({ python: path.join(options.venvDir, 'bin', 'python'), motoVersion: '5.2.0' });
      expect(lines).toEqual([
        expect.stringMatching(/^Installing moto\[server\]>=5\.2,<6 into .*venv with pip \(pip's own settings apply/),
        expect.stringMatching(/^Installed moto 5\.2\.0 into .*venv in \d+\.\d s; later runs use it as it is$/),
      ]);
    }, 60_000);

    it("reuses it afterwards without running pip, and moto's server starts in it", async () => {
      lines = [];

      const found = await ensureMotoPython(options);

      expect(lines).toEqual([]);
      const moto = await startMoto(found.python);
      try {
        expect(await (await fetch(moto.endpoint)).text()).toBe('stand-in moto');
      } finally {
        await moto.stop();
      }
    }, 30_000);

    it('prefers an interpreter that already has moto, creating nothing', () => {
      const venvPython = path.join(options.venvDir, 'bin', 'python');
      const elsewhere = path.join(work, 'never-created');

      expect(findMotoPython({ ...options, venvDir: elsewhere, systemPython: venvPython })).toEqual({
        python: venvPython,
        motoVersion: '5.2.0',
      });
    });

    it('takes MOTO_PYTHON as it is, and says what is wrong with it rather than installing', async () => {
      const venvPython = path.join(options.venvDir, 'bin', 'python');
      const bare = options.systemPython ?? '';

      expect(findMotoPython({ ...options, env: { ...options.env, MOTO_PYTHON: venvPython } })).toEqual({
        python: venvPython,
        motoVersion: '5.2.0',
      });
      await expect(ensureMotoPython({ ...options, env: { ...options.env, MOTO_PYTHON: bare } })).rejects.toThrow(
        `MOTO_PYTHON is ${bare}, which has no moto: run ${bare} -m pip install "moto[server]>=5.2,<6", or unset MOTO_PYTHON`,
      );
    });

    it('says to install Python 3 when there is none', async () => {
      await expect(
        ensureMotoPython({
          ...options,
          venvDir: path.join(work, 'no-python'),
          systemPython: path.join(work, 'missing', 'python3'),
        }),
      ).rejects.toThrow(
        /python3 was not found, and the local tools need Python 3 to run moto .* Install Python 3 \(with its venv module\), or point MOTO_PYTHON/,
      );
    });
  },
);
