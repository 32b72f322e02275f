/**
 * A deterministic stand-in for the analysis pipeline: the findings of a document are chosen by the test,
 * through a `case:<name>` tag on its files. It lets the plumbing around analysis (statuses, decisions,
 * events, retries, settings) be tested before the real analyzers exist.
 */
import type { Analysis, Analyzer, AnalyzerInput, Finding } from '../../src/analysis/analyzer.ts';
import type { DocumentType } from '../../src/analysis/vocabulary.ts';

export type Script = Finding[] | { throw: string } | { throwTimes: number; then: Finding[] };

export interface ScriptedAnalyzer extends Analyzer {
  /** Every input the analyzer was called with, in order. */
  readonly calls: AnalyzerInput[];
}

/** The file tag that picks the script `name`. */
export const caseTag = (name: string) => `case:${name}`;

export function scriptedAnalyzer(
  documentType: DocumentType,
  scripts: Record<string, Script>,
  data: (findings: Finding[]) => Record<string, unknown> = () => ({}),
): ScriptedAnalyzer {
  const calls: AnalyzerInput[] = [];
  const thrown = new Map<string, number>();
  return {
    documentType,
    calls,
    // Through a promise chain so that a throw becomes a rejection, as from a real async pipeline.
    analyze: (input) => Promise.resolve(input).then(run),
  };

  function run(input: AnalyzerInput): Analysis {
    calls.push(input);
    const tag = input.files.flatMap((f) => f.tags).find((t) => t.startsWith('case:'));
    const name = tag?.slice('case:'.length) ?? 'clean';
    const script = scripts[name];
    if (!script) throw new Error(`no script named ${name}`);
    let findings: Finding[];
    if (Array.isArray(script)) findings = script;
    else if ('throw' in script) throw new Error(script.throw);
    else {
      const times = thrown.get(name) ?? 0;
      if (times < script.throwTimes) {
        thrown.set(name, times + 1);
        throw new Error(`${name}: failure ${times + 1}`);
      }
      findings = script.then;
    }
    return {
      data: data(findings),
      findings,
      parsedData: { raw: name, fileCount: input.files.length },
      evidence: { script: name },
    };
  }
}
