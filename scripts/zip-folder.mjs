// Zips a folder's files at the zip root, the same bytes for the same files: used by build.mjs (the Lambda zip) and
// release.mjs (the released zip), so that both are written one way.
import { zipSync } from 'fflate';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

// One fixed timestamp (fflate writes DOS times in local time, so the date is built in local time too), names in
// sorted order and Unix -rw-r--r-- on every file: nothing of the machine, the clock or the file system gets in.
const FIXED_MTIME = new Date(2020, 0, 1);

/** Writes `zipPath` with every file under `folder`, named by its path relative to `folder`. */
export async function zipFolder(folder, zipPath) {
  const files = [];
  async function collect(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await collect(full);
      else files.push(full);
    }
  }
  await collect(folder);
  const entries = {};
  for (const file of files.sort()) {
    entries[path.relative(folder, file).split(path.sep).join('/')] = [
      await readFile(file),
      { mtime: FIXED_MTIME, os: 3, attrs: 0o100644 << 16 },
    ];
  }
  await writeFile(zipPath, zipSync(entries, { level: 9 }));
}
