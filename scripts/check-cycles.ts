/**
 * Fails when the import graph of client/src, server/src or webview/src has a cycle (type-only
 * imports and re-exports included: they show a seam in the wrong place just the same).
 * Usage: npm run check:cycles   (tsx scripts/check-cycles.ts [dirs...])
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['client/src', 'server/src', 'webview/src'];

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path.resolve(p)] : [];
  });
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

function importsOf(file: string): string[] {
  const src = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  for (const s of src.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)) {
      const r = resolveLocal(file, s.moduleSpecifier.text);
      if (r && r.endsWith('.ts')) out.push(r);
    }
  }
  return out;
}

const graph = new Map<string, string[]>();
const queue = roots.flatMap((r) => listTs(r));
while (queue.length) {
  const f = queue.pop()!;
  if (graph.has(f)) continue;
  const deps = importsOf(f);
  graph.set(f, deps);
  for (const d of deps) if (!graph.has(d)) queue.push(d);
}

// Tarjan's strongly connected components: every component with more than one file (or a self-import) is a cycle.
let index = 0;
const idx = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const cycles: string[][] = [];
function visit(v: string): void {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
  }
  if (low.get(v) === idx.get(v)) {
    const comp: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) visit(v);

const rel = (f: string) => path.relative(process.cwd(), f);
if (cycles.length) {
  for (const c of cycles) console.error(`cycle: ${c.map(rel).sort().join(' ⇄ ')}`);
  console.error(`${cycles.length} import cycle(s) in ${graph.size} modules`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} modules (${roots.join(', ')})`);
