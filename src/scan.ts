/**
 * The CLI's scan: collect files, read them (edge), analyse (pure), hand the report to a renderer.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { Finding, SourceFile } from "./types.ts";
import { analyze, compareFindings } from "./engine.ts";
import { inputFormatOf } from "./extract/index.ts";
import { MAX_FILE_BYTES } from "./extract/limits.ts";
import { kindResolver, type Config } from "./config.ts";
import { collectFiles, decodeSource, readSource } from "./sources/fs.ts";
import type { ScanReport } from "./report/types.ts";
import { VERSION } from "./version.ts";

export interface ScanOptions {
  /** Files and directories to scan, relative to `cwd`. */
  paths: readonly string[];
  cwd: string;
  config: Config;
}

const READ_CONCURRENCY = 16;

/** Files never read while walking a directory: images, archives, binaries, fonts, media. */
const BINARY_EXTENSION =
  /\.(png|jpe?g|gif|bmp|ico|webp|svgz|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|ear|class|exe|dll|so|dylib|a|o|obj|bin|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|mkv|wav|flac|ogg|pyc|node|sqlite|db|parquet|avro|pkl|pt|onnx)$/i;

/** Maps over items with at most `limit` promises in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function toRelative(cwd: string, abs: string): string {
  return path.relative(cwd, abs).split(path.sep).join("/");
}

/**
 * Reads a file that a Terraform `file("...")` call names, only inside `cwd` (a template must not make the scan
 * read files elsewhere on the machine, also not through a symbolic link), within the size limit and as valid
 * UTF-8 text.
 */
export function treeReader(cwd: string): (relPath: string) => string | undefined {
  let root: string | undefined;
  return (relPath) => {
    try {
      root ??= realpathSync(cwd);
      const real = realpathSync(path.resolve(cwd, relPath));
      const rel = path.relative(root, real);
      if (rel.startsWith("..") || path.isAbsolute(rel)) return undefined;
      const stats = statSync(real);
      if (!stats.isFile() || stats.size > MAX_FILE_BYTES) return undefined;
      const outcome = decodeSource(relPath, readFileSync(real));
      return outcome.ok ? outcome.file.text : undefined;
    } catch {
      return undefined; // missing or unreadable: the extractor reports the policy as not analysed
    }
  };
}

export async function runScan(options: ScanOptions): Promise<ScanReport> {
  const { cwd, config } = options;
  const paths = options.paths.length > 0 ? options.paths : ["."];
  // Every text file is read: IaC formats are extracted, and any file can hold a hard-coded key.
  const files = await collectFiles(paths, cwd, { accept: (file) => !BINARY_EXTENSION.test(file), ignorePatterns: config.ignorePaths });
  const outcomes = await mapLimit(files, READ_CONCURRENCY, (abs) => readSource(abs, toRelative(cwd, abs)));
  const named = new Set(paths.map((p) => path.resolve(cwd, p)));
  const sources: SourceFile[] = [];
  const readFindings: Finding[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.ok) sources.push(outcome.file);
    // A skipped image or archive is not news; a skipped template or policy is.
    else if (inputFormatOf(files[index]!) !== undefined || named.has(files[index]!)) {
      readFindings.push(outcome.finding);
    }
  });
  const analysis = await analyze(sources, {
    kindFor: kindResolver(config),
    readFile: treeReader(cwd),
    named: (relPath) => named.has(path.resolve(cwd, relPath)),
    ruleSeverities: config.rules,
    sensitiveActions: config.sensitiveActions,
    suppressions: config.suppressions,
  });
  return {
    version: VERSION,
    files: files.length,
    policies: analysis.policies,
    findings: [...readFindings, ...analysis.findings].sort(compareFindings),
    suppressed: analysis.suppressed,
  };
}
