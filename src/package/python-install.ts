/**
 * Installs a Python function's declared dependencies with pip for the function's platform, into
 * `.fnx/cache/python/<key>/`, where `key` hashes the requirement files' text (with what they pull
 * in), the target platform and Python version: the same requirements for the same target are
 * installed once and reused, and pip does not run again.
 *
 * pip runs as `<python> -m pip install --target <dir> --platform manylinux2014_<arch>
 * --python-version <X.Y> --implementation cp --only-binary=:all: --no-compile -r <file>...`, where
 * <python> is `$FNX_PYTHON`, else `python<X.Y>` when it runs as that version, else `python3`: pip evaluates
 * environment markers (`; python_version < "3.12"`) against the interpreter it runs under, not
 * `--python-version`, so only an interpreter of the function's version picks exactly the
 * dependencies the function's runtime would; with another one, requirements that have such
 * markers get a warning (W_PYTHON_MARKERS). It
 * reads the user's configuration itself (pip.conf, PIP_INDEX_URL, PIP_TRUSTED_HOST,
 * PIP_FIND_LINKS, ...), which fnx does not override. The installed tree is then trimmed to what is
 * the same on every machine: `bin/` (console scripts, whose first line names the build machine's
 * interpreter), `__pycache__/` and `*.pyc` are dropped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ExitCode, FnxError, InterruptedError } from '../errors.js';
import type { Architecture, ResolvedFunction } from '../manifest/model.js';
import type { Source } from './layout.js';
import { ensureOutputDir } from './output-dir.js';
import { pyprojectRequirements, requirementName, requirementsText, type PythonNeeds } from './python-deps.js';
import { pythonCommand } from '../python.js';

/** Changes whenever the installed tree for the same inputs would change. */
const FORMAT = 'fnx-pip-1';

export interface InstalledFile {
  readonly rel: string;
  readonly source: Source;
}

/** The pip platform tag of an architecture. */
export function pipPlatform(arch: Architecture): string {
  return arch === 'arm64' ? 'manylinux2014_aarch64' : 'manylinux2014_x86_64';
}

/** `python3.12` -> `3.12`. */
export function pythonVersion(runtime: string): string {
  return runtime.replace(/^python/, '');
}

/**
 * The interpreter pip runs under for Python `version` (see the top): `$FNX_PYTHON`; else
 * `python<version>` when it runs and is that version (a version manager's shim for a version it
 * does not activate does not count); else `python3`. `exact`: its version is the function's.
 */
export function pipInterpreter(version: string, env: NodeJS.ProcessEnv = process.env): { command: string; exact: boolean; host?: string } {
  if (env.FNX_PYTHON) return withVersion(env.FNX_PYTHON, version);
  const named = withVersion(`python${version}`, version);
  if (named.exact) return named;
  return withVersion(pythonCommand(env), version);
}

function withVersion(command: string, version: string): { command: string; exact: boolean; host?: string } {
  const r = spawnSync(command, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8', timeout: 10_000 });
  const host = r.status === 0 ? r.stdout.trim() : undefined;
  return { command, exact: host === version, ...(host ? { host } : {}) };
}

/** A requirement line with an environment marker about the Python version. */
const VERSION_MARKER = /;[^\n#]*\bpython_(full_)?version\b/;

/**
 * W_PYTHON_MARKERS when the requirements have Python-version markers and pip runs under an
 * interpreter of another version than the function's (undefined when it matches or cannot be told).
 */
function markerWarning(fn: ResolvedFunction, python: { command: string; exact: boolean; host?: string }, version: string, texts: readonly string[], at: object): FnxError | undefined {
  if (python.exact || !python.host || !texts.some((t) => VERSION_MARKER.test(t))) return undefined;
  return new FnxError(
    'W_PYTHON_MARKERS',
    `Python function "${fn.name}": its requirements have python_version markers, which pip evaluates against ${python.command} (Python ${python.host}), not the function's Python ${version}, so the archive may hold other dependencies than a Python ${version} install would.`,
    { hint: `Put a python${version} interpreter on PATH (fnx then runs pip with it), or set FNX_PYTHON to one.`, exitCode: ExitCode.usage, ...at },
  );
}

/**
 * The files of `needs` installed for `fn`'s platform (paths relative to the archive root), from
 * the cache when the same requirements were installed for the same target before. `onWarning`
 * hears W_PYTHON_MARKERS (see the top) when pip runs.
 */
export async function installPythonDeps(rootDir: string, fn: ResolvedFunction, needs: PythonNeeds, signal?: AbortSignal, onWarning?: (w: FnxError) => void): Promise<InstalledFile[]> {
  const platform = pipPlatform(fn.architecture);
  const version = pythonVersion(fn.runtime);
  const texts = needs.files.map((f) => (f.endsWith('.toml') ? `${relative(rootDir, f)}\0${pyprojectRequirements(f).join('\n')}` : requirementsText(f)).replaceAll(rootDir, ''));
  const key = createHash('sha256').update(`${FORMAT}\n${platform}\n${version}\n${texts.join('\n')}`).digest('hex').slice(0, 32);
  const cache = ensureOutputDir(rootDir, ['.fnx', 'cache', 'python']);
  const dir = join(cache, key);
  if (!existsSync(join(dir, '.fnx-complete'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const python = pipInterpreter(version);
    const warning = markerWarning(fn, python, version, texts, fn.location ? { location: fn.location } : {});
    if (warning) onWarning?.(warning);
    const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--no-compile', '--target', tmp, '--platform', platform, '--python-version', version, '--implementation', 'cp', '--only-binary=:all:'];
    for (const f of needs.files) {
      if (f.endsWith('.toml')) {
        const reqs = `${tmp}.pyproject-${args.length}.txt`;
        writeFileSync(reqs, `${pyprojectRequirements(f).join('\n')}\n`);
        args.push('-r', reqs);
      } else {
        args.push('-r', f);
      }
    }
    try {
      await runPip(python.command, args, rootDir, fn, platform, version, signal);
      trim(tmp);
      writeFileSync(join(tmp, '.fnx-complete'), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      for (const name of readdirSync(cache)) if (name.startsWith(`${key}.${process.pid}.tmp.pyproject-`)) rmSync(join(cache, name), { force: true });
    }
  }
  return listFiles(dir);
}

function runPip(python: string, args: string[], cwd: string, fn: ResolvedFunction, platform: string, version: string, signal?: AbortSignal): Promise<void> {
  const at = fn.location ? { location: fn.location } : {};
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const child = spawn(python, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_NO_WARN_SCRIPT_LOCATION: '1' } });
    let out = '';
    const keep = (d: Buffer) => {
      out = (out + d.toString('utf8')).slice(-64 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      const code = (err as { code?: string }).code;
      reject(
        code === 'ENOENT'
          ? pipMissing(python, fn, `${python} is not on PATH`, at)
          : new FnxError('E_PACKAGE_PIP', `Could not run ${python} -m pip for Python function "${fn.name}": ${err.message}.`, { exitCode: ExitCode.usage, ...at, cause: err }),
      );
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(new InterruptedError());
      if (code === 0) return resolve();
      reject(pipError(python, out, fn, platform, version, at));
    });
  });
}

function pipMissing(python: string, fn: ResolvedFunction, why: string, at: object): FnxError {
  return new FnxError('E_PACKAGE_PIP_MISSING', `Python function "${fn.name}" declares dependencies, which fnx installs with pip, but ${why}.`, {
    hint: `Install Python 3 with pip (\`${python} -m pip --version\` must work), or put the dependencies in the package yourself (a layer folder with \`python/\`).`,
    exitCode: ExitCode.usage,
    ...at,
  });
}

/** What pip's output says went wrong, as an error naming the dependency when it names one. */
function pipError(python: string, out: string, fn: ResolvedFunction, platform: string, version: string, at: object): FnxError {
  if (/No module named pip\b/.test(out)) return pipMissing(python, fn, `${python} has no pip module`, at);
  const noDist = /No matching distribution found for (\S+)/.exec(out);
  if (noDist) {
    const spec = noDist[1]!;
    const dep = requirementName(spec) ?? spec;
    return new FnxError('E_PACKAGE_PYTHON_WHEEL', `Python function "${fn.name}": dependency ${spec} has no wheel for ${platform} / Python ${version} (fnx installs binary wheels only, for the function's architecture and runtime).`, {
      hint: `Pick a version of ${dep} that publishes a ${platform.replace('manylinux2014_', 'manylinux ')} wheel for CPython ${version}, change the function's architecture or runtime, or check your package index (pip's configuration: PIP_INDEX_URL, pip.conf).`,
      exitCode: ExitCode.usage,
      ...at,
      details: { dependency: dep, platform, pythonVersion: version },
    });
  }
  const lines = out
    .split(/\r?\n/)
    .filter((l) => /^ERROR:/.test(l))
    .slice(-3)
    .join(' ');
  return new FnxError('E_PACKAGE_PIP', `pip could not install the dependencies of Python function "${fn.name}" for ${platform} / Python ${version}: ${lines || out.trim().split(/\r?\n/).slice(-3).join(' ') || 'it failed without a message'}`, {
    hint: "Run the same install yourself to see pip's full output: `pip install --target /tmp/x --platform " + `${platform} --python-version ${version} --only-binary=:all: -r requirements.txt\`.`,
    exitCode: ExitCode.usage,
    ...at,
  });
}

/** Drops what differs between machines or is rebuilt at run time. */
function trim(dir: string): void {
  rmSync(join(dir, 'bin'), { recursive: true, force: true });
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name === '__pycache__') rmSync(p, { recursive: true, force: true });
        else visit(p);
      } else if (e.name.endsWith('.pyc') || e.name === 'direct_url.json') {
        rmSync(p, { force: true });
      }
    }
  };
  visit(dir);
}

/** The regular files under `dir` (what pip wrote, trimmed), posix paths relative to it. */
function listFiles(dir: string): InstalledFile[] {
  const out: InstalledFile[] = [];
  const visit = (d: string, rel: string) => {
    for (const name of readdirSync(d)) {
      if (!rel && name === '.fnx-complete') continue;
      const p = join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      if (st.isDirectory()) visit(p, r);
      else if (st.isFile()) out.push({ rel: r, source: { path: p, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, mode: st.mode & 0o111 ? 0o755 : 0o644 } });
    }
  };
  visit(dir, '');
  return out;
}
