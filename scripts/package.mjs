// Packages the extension as arch2vec-cells-<version>.vsix with @vscode/vsce (offline; everything the
// extension runs is bundled into dist/, so no node_modules go in) and checks what went into the archive.
//
//   node scripts/package.mjs [--no-build] [--out FILE] [--base-url URL]
//
//   --no-build   package the current dist/ instead of running a production build first (the e2e test
//                packages the bundles `npm test` just built)
//   --out FILE   where to write the .vsix (default: arch2vec-cells-<version>.vsix in the repository root)
//   --base-url   absolute URL that README links and images are rewritten against (e.g. the repository's
//                raw content URL); without it and without a `repository` field they stay relative and
//                resolve inside the installed extension, so what they point at must be shipped
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createVSIX } from '@vscode/vsce';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Archive paths (inside `extension/`) that must never ship: sources, tests, caches, dependencies. */
const FORBIDDEN = /(^|\/)(node_modules|src|test|tests|bench|\.cache|\.git|\.vscode-test)(\/|$)|\.(ts|map)$/;

/**
 * What the extension cannot run without: if one is missing, .vscodeignore or the build is wrong.
 * Compared case-insensitively: vsce renames README.md to readme.md and LICENSE to LICENSE.txt.
 */
const REQUIRED = [
  'package.json', 'README.md', 'LICENSE.txt',
  'dist/client.js', 'dist/server.js', 'dist/predictWorker.js', 'dist/engine.js', 'dist/trainWorker.js', 'dist/cli.js', 'dist/engineCommands.js',
  'dist/webview/neighbours.js', 'dist/webview/suggestions.js', 'dist/webview/map.js', 'dist/wasm/tfjs-backend-wasm-simd.wasm',
  'syntaxes/cellspec.tmLanguage.json', 'language-configuration.json',
  'models/nasbench201/model.a2v', 'models/nasbench201/embeddings.f32', 'models/nasbench201/config.json', 'models/nasbench201/checksums.json',
  'data/nasbench201.table',
];

class PackageError extends Error {}

function parseOptions() {
  const { values } = parseArgs({
    options: { 'no-build': { type: 'boolean' }, out: { type: 'string' }, 'base-url': { type: 'string' } },
  });
  return { build: !values['no-build'], out: values.out && resolve(values.out), baseUrl: values['base-url'] };
}

function productionBuild() {
  console.log('Production build (node scripts/build.mjs --production)…');
  const r = spawnSync(process.execPath, ['scripts/build.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new PackageError(`production build failed (exit ${r.status ?? r.signal})`);
}

/**
 * vsce asks "Do you want to continue?" for a missing LICENSE or repository field, and answers "y" by
 * itself when stdout is not a terminal (CI): check those here so packaging never prompts nor silently
 * ships something incomplete.
 */
function vsceOptions(manifest, { out, baseUrl }) {
  for (const f of ['README.md', 'LICENSE']) {
    if (!existsSync(join(root, f))) throw new PackageError(`${f} is missing: the package needs one`);
  }
  if (manifest.activationEvents?.includes('*')) throw new PackageError(`'*' activation: activate on the language or commands instead`);
  const notes = [];
  const hasRepository = Boolean(manifest.repository);
  if (!hasRepository) notes.push(`package.json has no "repository" field: packaging with allowMissingRepository`);
  const keepLinksRelative = !hasRepository && !baseUrl;
  if (keepLinksRelative) notes.push('README links and images stay relative (no repository or --base-url): they resolve inside the installed extension');
  return {
    notes,
    keepLinksRelative,
    options: {
      cwd: root,
      packagePath: out ?? join(root, `${manifest.name}-${manifest.version}.vsix`),
      dependencies: false,
      allowMissingRepository: !hasRepository,
      rewriteRelativeLinks: !keepLinksRelative,
      ...(baseUrl ? { baseContentUrl: baseUrl, baseImagesUrl: baseUrl } : {}),
    },
  };
}

/** The entries of a zip file from its central directory (the .vsix is small: no zip64). */
function zipEntries(file) {
  const buf = readFileSync(file);
  const end = buf.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  if (end < 0) throw new PackageError(`${file} is not a zip archive`);
  const count = buf.readUInt16LE(end + 10);
  const entries = [];
  for (let i = 0, p = buf.readUInt32LE(end + 16); i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new PackageError(`${file}: corrupt central directory`);
    const nameLength = buf.readUInt16LE(p + 28);
    entries.push({ path: buf.toString('utf8', p + 46, p + 46 + nameLength), size: buf.readUInt32LE(p + 24) });
    p += 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

/** Relative targets of the README's links and images (`[…](…)`, `<img src>`), which must then be in the package. */
function relativeReadmeTargets() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const targets = [...readme.matchAll(/\]\(\s*<?([^)\s>]+)/g), ...readme.matchAll(/<img[^>]+src=["']([^"']+)/g)].map((m) => m[1]);
  return targets
    .filter((t) => !/^[a-z][\w+.-]*:/i.test(t) && !t.startsWith('#'))
    .map((t) => decodeURI(t.replace(/[#?].*$/, '').replace(/^\.\//, '')));
}

function checkContents(files, { keepLinksRelative }) {
  const problems = [];
  for (const f of files) if (FORBIDDEN.test(f)) problems.push(`must not ship: ${f}`);
  const shipped = new Set(files.map((f) => f.toLowerCase()));
  for (const f of REQUIRED) if (!shipped.has(f.toLowerCase())) problems.push(`missing: ${f}`);
  if (keepLinksRelative) {
    for (const target of relativeReadmeTargets()) {
      if (shipped.has(target.toLowerCase())) continue;
      problems.push(existsSync(join(root, target))
        ? `README links to ${target}, which .vscodeignore leaves out (let it in, or pass --base-url)`
        : `README links to ${target}, which does not exist`);
    }
  }
  if (problems.length) throw new PackageError(`the package is wrong:\n  ${problems.join('\n  ')}`);
}

const size = (bytes) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

/** One line per folder of the extension (files, uncompressed size), then the archive's own size. */
function printSummary(files, vsixPath) {
  const folders = new Map();
  for (const { path, size: bytes } of files) {
    const folder = path.includes('/') ? `${path.slice(0, path.lastIndexOf('/'))}/` : '(root)';
    const f = folders.get(folder) ?? { count: 0, bytes: 0 };
    folders.set(folder, { count: f.count + 1, bytes: f.bytes + bytes });
  }
  const line = (label, count, bytes) => `  ${label.padEnd(24)} ${String(count).padStart(3)} file${count === 1 ? ' ' : 's'} ${size(bytes).padStart(10)}`;
  console.log('\nExtension files (uncompressed):');
  for (const [folder, f] of [...folders].sort(([a], [b]) => a.localeCompare(b))) console.log(line(folder, f.count, f.bytes));
  console.log(line('total', files.length, files.reduce((s, f) => s + f.size, 0)));
  const shown = vsixPath.startsWith(`${root}/`) ? relative(root, vsixPath) : vsixPath;
  console.log(`\n${shown}: ${size(statSync(vsixPath).size)}`);
}

async function main() {
  const args = parseOptions();
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (args.build) productionBuild();
  else if (!existsSync(join(root, 'dist/client.js'))) throw new PackageError('--no-build but dist/ is empty: run npm run build');
  const { notes, keepLinksRelative, options } = vsceOptions(manifest, args);
  for (const n of notes) console.log(`note: ${n}`);
  await createVSIX(options).catch((e) => {
    throw new PackageError(`vsce: ${e.message}`);
  });
  const files = zipEntries(options.packagePath)
    .filter((e) => e.path.startsWith('extension/'))
    .map((e) => ({ ...e, path: e.path.slice('extension/'.length) }));
  try {
    checkContents(files.map((f) => f.path), { keepLinksRelative });
  } catch (e) {
    rmSync(options.packagePath, { force: true }); // nobody should install a package that failed its check
    throw e;
  }
  printSummary(files, options.packagePath);
}

main().catch((e) => {
  console.error(`package: ${e instanceof PackageError ? e.message : e?.stack ?? e}`);
  process.exitCode = 1;
});
