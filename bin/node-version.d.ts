/** Types of node-version.js (plain JavaScript, so that any Node.js with ES modules can run the check). */
export function nodeVersionProblem(version: string, range: string): string | undefined;
export function enginesRange(): string | undefined;
