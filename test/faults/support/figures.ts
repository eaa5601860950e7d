/**
 * The figures the fault suite measures (faults injected, messages checked, inputs tried, memory,
 * resources), written to test-output/faults/figures.json so that RELIABILITY.md quotes real runs.
 * Each suite records its own section; sections of earlier runs stay until overwritten.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summaryMarkdown } from './summary';

export type FigureValue = number | string | boolean | null | FigureValue[] | { [key: string]: FigureValue };
export type Figures = Record<string, FigureValue>;

/** From dist/test/faults/support to the repository root. */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const FIGURES_FILE = path.join(ROOT, 'test-output', 'faults', 'figures.json');
export const SUMMARY_FILE = path.join(ROOT, 'test-output', 'faults', 'summary.md');

interface FiguresDocument {
  machine: Figures;
  sections: Record<string, Figures & { recordedAt: string }>;
}

function readDocument(): FiguresDocument {
  try {
    const parsed = JSON.parse(fs.readFileSync(FIGURES_FILE, 'utf8')) as Partial<FiguresDocument>;
    return { machine: parsed.machine ?? {}, sections: parsed.sections ?? {} };
  } catch {
    return { machine: {}, sections: {} };
  }
}

/** Replaces the figures of `section` with these. */
export function recordFigures(section: string, figures: Figures): void {
  const document = readDocument();
  document.machine = {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
  };
  document.sections[section] = { ...figures, recordedAt: new Date().toISOString() };
  fs.mkdirSync(path.dirname(FIGURES_FILE), { recursive: true });
  fs.writeFileSync(FIGURES_FILE, `${JSON.stringify(document, null, 2)}\n`);
  fs.writeFileSync(SUMMARY_FILE, summaryMarkdown(document.sections));
}
