// Runs the built CLI (`npm run build` first) and the machine's `python3 -m pip` against a local
// wheelhouse this file builds: PIP_NO_INDEX / PIP_FIND_LINKS, the user's pip configuration, keep
// pip off the network.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFnx } from '../../helpers/cli.js';
import { cleanupProjects, makeProject, readZip, zipNames } from './helpers.js';

let wheelhouse: string;

/** A Python 3.12 on this machine, to run as `python3.12` (pyenv keeps one inactive here: PYENV_VERSION activates it). */
const python312 = ((): { command: string; env: string } | undefined => {
  const tries: { command: string; env: Record<string, string>; prefix: string }[] = [{ command: 'python3.12', env: {}, prefix: '' }];
  try {
    const v = execFileSync('pyenv', ['versions', '--bare'], { encoding: 'utf8' }).split('\n').find((l) => l.startsWith('3.12'));
    if (v) tries.push({ command: 'python3.12', env: { PYENV_VERSION: v }, prefix: `PYENV_VERSION=${v} ` });
  } catch {
    // no pyenv
  }
  for (const t of tries) {
    try {
      const out = execFileSync(t.command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', env: { ...process.env, ...t.env }, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (out === '3.12') return { command: execFileSync('sh', ['-c', `command -v ${t.command}`], { encoding: 'utf8' }).trim(), env: t.prefix ? `export ${t.prefix.trim()}\n` : '' };
    } catch {
      // not this one
    }
  }
  return undefined;
})();

/** Writes wheels by hand (a zip with the package, METADATA, WHEEL and RECORD), as a build backend would. */
function buildWheels(dir: string): void {
  const script = `
import base64, hashlib, sys, zipfile
def wheel(name, ver, tag, files):
    dist = f"{name}-{ver}.dist-info"
    files = dict(files)
    files[f"{dist}/METADATA"] = f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {ver}\\n"
    files[f"{dist}/WHEEL"] = f"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: {'true' if tag.endswith('none-any') else 'false'}\\nTag: {tag}\\n"
    rec = [f"{k},sha256={base64.urlsafe_b64encode(hashlib.sha256(v.encode()).digest()).rstrip(b'=').decode()},{len(v.encode())}" for k, v in files.items()]
    files[f"{dist}/RECORD"] = "\\n".join(rec + [f"{dist}/RECORD,,"]) + "\\n"
    with zipfile.ZipFile(f"{sys.argv[1]}/{name}-{ver}-{tag}.whl", "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
wheel("tinypure", "1.0", "py3-none-any", {"tinypure/__init__.py": "X = 1\\n"})
for arch in ("x86_64", "aarch64"):
    wheel("fastplat", "2.0", f"cp312-cp312-manylinux2014_{arch}", {"fastplat/__init__.py": f"ARCH = '{arch}'\\n"})
`;
  execFileSync('python3', ['-c', script, dir]);
}

beforeAll(() => {
  wheelhouse = mkdtempSync(join(tmpdir(), 'fnx-wheels-'));
  buildWheels(wheelhouse);
});
afterAll(() => {
  rmSync(wheelhouse, { recursive: true, force: true });
  cleanupProjects();
});

const yaml = `service: py
providers:
  aws: { region: us-east-1 }
defaults: { runtime: python3.12 }
functions:
  api:
    handler: src/handler.handler
  arm:
    handler: src/handler.handler
    architecture: arm64
`;
const handler = 'def handler(event, context):\n    return 1\n';
const pipEnv = () => ({ PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheelhouse });

function project(requirements: string): string {
  return makeProject({ 'fnx.yaml': yaml, 'src/handler.py': handler, 'requirements.txt': requirements });
}

async function fileText(zip: string, name: string): Promise<string | undefined> {
  const e = (await readZip(zip)).find((x) => x.name === name);
  return e?.data.toString('utf8');
}

describe('fnx package: Python dependencies installed with pip', () => {
  it("installs each function's wheels for its architecture at the zip root, deterministically, and reuses the install", async () => {
    const root = project('tinypure\nfastplat==2.0\n');
    const r = await runFnx(['package', '--json'], { cwd: root, env: pipEnv() });
    expect(r.code, r.stderr).toBe(0);
    const api = join(root, '.fnx/build/dev/functions/api.zip');
    const arm = join(root, '.fnx/build/dev/functions/arm.zip');
    const names = await zipNames(api);
    expect(names).toEqual(expect.arrayContaining(['src/handler.py', 'tinypure/__init__.py', 'fastplat/__init__.py', 'fastplat-2.0.dist-info/METADATA', 'tinypure-1.0.dist-info/RECORD']));
    expect(names.filter((n) => n.includes('__pycache__') || n.endsWith('.pyc') || n.startsWith('bin/'))).toEqual([]);
    expect(await fileText(api, 'fastplat/__init__.py')).toBe("ARCH = 'x86_64'\n");
    expect(await fileText(arm, 'fastplat/__init__.py')).toBe("ARCH = 'aarch64'\n");
    const first = JSON.parse(r.stdout).artifacts.map((a: { sha256: string }) => a.sha256);

    // From scratch (no build, no cache): the same bytes.
    rmSync(join(root, '.fnx'), { recursive: true });
    const again = await runFnx(['package', '--json'], { cwd: root, env: pipEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).artifacts.map((a: { sha256: string }) => a.sha256)).toEqual(first);

    // The install is cached by requirements and platform: pip, given an empty wheelhouse, is not run.
    rmSync(join(root, '.fnx/build'), { recursive: true });
    const empty = mkdtempSync(join(tmpdir(), 'fnx-nowheels-'));
    const cached = await runFnx(['package', '--json'], { cwd: root, env: { PIP_NO_INDEX: '1', PIP_FIND_LINKS: empty } });
    rmSync(empty, { recursive: true });
    expect(cached.code, cached.stderr).toBe(0);
    expect(JSON.parse(cached.stdout).artifacts.map((a: { sha256: string }) => a.sha256)).toEqual(first);
  }, 60_000);

  it('a dependency with no wheel for the target is an error naming it (exit 2), and nothing is written', async () => {
    const root = project('tinypure\nnowheel>=1.0\n');
    const r = await runFnx(['package'], { cwd: root, env: pipEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fnx.yaml:6:3: error [E_PACKAGE_PYTHON_WHEEL] Python function "api": dependency nowheel>=1.0 has no wheel for manylinux2014_x86_64 / Python 3.12');
    expect(r.stderr).toContain('hint: Pick a version of nowheel that publishes a manylinux x86_64 wheel for CPython 3.12');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(join(root, '.fnx/build/dev/functions/api.zip'))).toThrow();
  }, 60_000);

  it('pip under another Python than the function\'s: requirements with python_version markers get W_PYTHON_MARKERS, and pip did skip by the machine\'s version', async () => {
    const machine = execFileSync('python3', ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
    expect(machine).not.toBe('3.12');
    const root = project('tinypure; python_version >= "3.12"\nfastplat==2.0\n');
    const r = await runFnx(['package', '-f', 'api'], { cwd: root, env: { ...pipEnv(), FNX_PYTHON: 'python3' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`[W_PYTHON_MARKERS] Python function "api": its requirements have python_version markers, which pip evaluates against python3 (Python ${machine}), not the function's Python 3.12`);
    const names = await zipNames(join(root, '.fnx/build/dev/functions/api.zip'));
    expect(names).toContain('fastplat/__init__.py');
    expect(names).not.toContain('tinypure/__init__.py');
    // Without markers there is nothing to warn about.
    const plain = await runFnx(['package', '-f', 'api'], { cwd: project('tinypure\n'), env: { ...pipEnv(), FNX_PYTHON: 'python3' } });
    expect(plain.stderr).not.toContain('W_PYTHON_MARKERS');
  }, 60_000);

  it.skipIf(!python312)('a python3.12 on PATH runs pip for a python3.12 function, and its markers hold', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'fnx-py312-'));
    writeFileSync(join(bin, 'python3.12'), `#!/bin/sh\n${python312!.env}exec ${python312!.command} "$@"\n`);
    chmodSync(join(bin, 'python3.12'), 0o755);
    const root = project('tinypure; python_version >= "3.12"\n');
    const r = await runFnx(['package', '-f', 'api'], { cwd: root, env: { ...pipEnv(), PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('W_PYTHON_MARKERS');
    expect(await zipNames(join(root, '.fnx/build/dev/functions/api.zip'))).toContain('tinypure/__init__.py');
  }, 60_000);

  it('pyproject.toml dependencies are installed too; a missing python3 is a clear error', async () => {
    const root = makeProject({ 'fnx.yaml': yaml, 'src/handler.py': handler, 'pyproject.toml': '[project]\nname = "py"\ndependencies = ["tinypure>=1"]\n' });
    const r = await runFnx(['package', '-f', 'api'], { cwd: root, env: pipEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(await zipNames(join(root, '.fnx/build/dev/functions/api.zip'))).toContain('tinypure/__init__.py');

    const noPython = await runFnx(['package', '-f', 'arm'], { cwd: root, env: { ...pipEnv(), PATH: '/nonexistent' } });
    expect(noPython.code).toBe(2);
    expect(noPython.stderr).toContain('[E_PACKAGE_PIP_MISSING] Python function "arm" declares dependencies, which fnx installs with pip, but python3 is not on PATH.');
  }, 60_000);
});
