import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChartroomError } from '../../core/errors.js';
import { loadChartDir } from '../../core/chart/loader.js';
import { formatLint } from '../../core/lint/index.js';
import { lintChartfile } from '../../core/lint/rules/chartfile.js';
import { fromError } from '../../core/lint/types.js';
import { tempDir } from '../support/tmp.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('lint findings from errors', () => {
  it('keeps a one-line hint in parentheses after the message', () => {
    const m = fromError(new ChartroomError('CHART_YAML', 'bad thing', { file: 'c/Chart.yaml', line: 3, hint: 'do this' }));
    expect(m).toEqual({ severity: 'error', message: 'bad thing (do this)', file: 'c/Chart.yaml', line: 3, column: undefined, field: undefined });
  });

  it('keeps a longer hint whole, as detail, instead of a dangling first line', () => {
    const hint = 'rendered lines 1-2:\n    1| a: [\n    2| b: c';
    const m = fromError(new ChartroomError('INVALID_YAML', 'template produced invalid YAML', { file: 't.yaml', line: 2, hint }));
    expect(m.message).toBe('template produced invalid YAML');
    expect(m.detail).toBe(hint);
  });

  it('prints the detail under the finding, tab-indented', () => {
    const text = formatLint({
      charts: [{ chart: 'c', path: 'c', failed: true, messages: [{ severity: 'error', message: 'broken', file: 't.yaml', line: 2, detail: 'heading:\n    1| x \n    2| y' }] }],
      failed: 1,
    });
    expect(text).toBe('==> Linting c\n[ERROR] t.yaml:2: broken\n\theading:\n\t    1| x\n\t    2| y\n\n1 chart(s) linted, 1 chart(s) failed\n');
  });
});

describe('the chartfile rules', () => {
  it('report a folder named differently from the chart as a warning', () => {
    const dir = join(tmp.dir, 'folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: other\nversion: 0.1.0\n');
    const messages = lintChartfile(loadChartDir(dir), dir, '1.33.0');
    const named = messages.filter((m) => m.field === 'name');
    expect(named).toEqual([expect.objectContaining({ severity: 'warning', message: 'chart name "other" does not match its folder name "folder"', line: 2 })]);
    expect(messages.some((m) => m.severity === 'error')).toBe(false);
  });
});
