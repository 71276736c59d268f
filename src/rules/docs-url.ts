/**
 * Where a rule's documentation lives. Rule pages are generated into `docs/rules/<id>.md`; the link is absolute
 * when the package names its repository (so GitHub comments and SARIF can link to it), relative otherwise.
 */
import { readFileSync } from "node:fs";

function repositoryBase(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      repository?: string | { url?: string };
    };
    const url = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
    const match = url?.match(/github\.com[/:]([^/]+\/[^/.]+)/);
    return match ? `https://github.com/${match[1]}/blob/main/` : undefined;
  } catch {
    return undefined;
  }
}

const BASE = repositoryBase();

export function docsUrlOf(ruleId: string): string {
  return `${BASE ?? ""}docs/rules/${ruleId}.md`;
}
