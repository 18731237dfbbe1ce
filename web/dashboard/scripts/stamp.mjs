// Writes the SHA-256 of the dashboard's sources next to the built assets. The node's tests recompute it from the
// sources, so a change to web/dashboard that was not rebuilt into src/Pocc.Node/Dashboard/wwwroot fails CI.
// The digest covers, in order of their relative paths, each file's path, byte length and bytes.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const inputs = ['index.html', 'package.json', 'package-lock.json', 'tsconfig.json', 'vite.config.ts', 'src'];

function files(path) {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((name) => files(join(path, name))) : [path];
}

const paths = inputs
  .flatMap((input) => files(join(root, input)))
  .map((path) => relative(root, path).split(sep).join('/'))
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const hash = createHash('sha256');
for (const path of paths) {
  const bytes = readFileSync(join(root, path));
  hash.update(`${path}\n${bytes.length}\n`);
  hash.update(bytes);
}
const out = join(root, '..', '..', 'src', 'Pocc.Node', 'Dashboard', 'wwwroot', 'source-stamp.txt');
writeFileSync(out, `${hash.digest('hex')}\n`);
console.log(`source stamp ${paths.length} files -> ${relative(root, out)}`);
