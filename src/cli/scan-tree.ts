/**
 * `scan [PATH...]`: collect the files of the tree and read them (the file-system edge), then the one pipeline
 * (`core/analyze.ts`); the caller renders the report.
 */
import path from "node:path";
import type { Finding, SourceFile } from "../types.ts";
import type { AccessAnalyzerRunner } from "../access-analyzer/types.ts";
import { inputFormatOf } from "../extract/index.ts";
import type { Config } from "../core/config.ts";
import { collectFiles, readSource } from "../sources/fs.ts";
import { scanRoots } from "../sources/scan-root.ts";
import { analyzeScan } from "../isolate/scan-analysis.ts";
import { analyzeScanBounded } from "../isolate/scan-in-worker.ts";
import type { ScanReport } from "../report/types.ts";
import { VERSION } from "../version.ts";
import { mapLimit } from "../util/map-limit.ts";

export interface ScanOptions {
  /** Files and directories to scan, relative to `cwd`. */
  paths: readonly string[];
  cwd: string;
  config: Config;
  /** Runs IAM Access Analyzer's checks on every policy; omitted, they are not run. */
  accessAnalyzer?: AccessAnalyzerRunner;
}

const READ_CONCURRENCY = 16;

/** Files never read while walking a directory: images, archives, binaries, fonts, media. */
const BINARY_EXTENSION =
  /\.(png|jpe?g|gif|bmp|ico|webp|svgz|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|ear|class|exe|dll|so|dylib|a|o|obj|bin|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|mkv|wav|flac|ogg|pyc|node|sqlite|db|parquet|avro|pkl|pt|onnx)$/i;

function toRelative(cwd: string, abs: string): string {
  return path.relative(cwd, abs).split(path.sep).join("/");
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
  // Large scans run in a heap-capped worker (issue #12): no input can push the process past a fixed cap. With
  // Access Analyzer the analysis stays in-process (its SDK client cannot cross threads).
  const namedPaths = files.filter((abs) => named.has(abs)).map((abs) => toRelative(cwd, abs));
  const input = { sources, cwd, roots: scanRoots(paths, cwd), config, readFindings, named: namedPaths };
  const analysis = options.accessAnalyzer ? await analyzeScan(input, options.accessAnalyzer) : await analyzeScanBounded(input);
  return {
    version: VERSION,
    files: files.length,
    policies: analysis.policies,
    findings: analysis.findings,
    suppressed: analysis.suppressed,
    ...(analysis.accessAnalyzer
      ? { accessAnalyzer: { ...analysis.accessAnalyzer.checks, complete: analysis.accessAnalyzer.complete } }
      : {}),
    ...(analysis.notAnalysed ? { notAnalysed: analysis.notAnalysed } : {}),
  };
}
