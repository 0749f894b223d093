/** The Python interpreter fnx runs (local handler runs, pip installs): `FNX_PYTHON`, else `python3` (`python` on Windows). */
export function pythonCommand(env: Readonly<Record<string, string | undefined>>): string {
  return env.FNX_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
}
