import { describe, expect, it } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { loadChartDir } from '../../core/chart/loader.js';
import { hasCode } from '../../core/errors.js';
import { parseRenderedFile, sortDocuments } from '../../core/kube/manifests.js';
import {
  compareCodePoints,
  decodeRelease,
  encodeRelease,
  GO_ZERO_TIME,
  goJsonNumber,
  goJsonString,
  goJsonValue,
  goTime,
  goTimeToDate,
  isZeroGoTime,
  lockJson,
  metadataJson,
  normalizeGoTime,
  parseGoTime,
  releaseFromJson,
  releaseJson,
} from '../../core/release/codec.js';
import type { Release, ReleaseChart } from '../../core/release/model.js';
import { chartRecord, helmFiles, hookRecord, MAX_RECORD_BYTES, recordSize } from '../../core/release/record.js';
import { tempDir } from '../support/tmp.js';

// Fixtures made by the real helm (v4.1.4, built with go1.25.9): `helm install --dry-run=client -o json` prints
// json.Marshal of the release — the very bytes its Secrets driver gzips and base64-encodes.

/** `helm install fixture ./fx --dry-run=client -n prod -o json --set 'user.key=<v>' --set n=3 --labels team=web` by helm v4.1.4 (go1.25.9): json.Marshal of the release, base64 here. */
const HELM_FX_JSON_B64 = [
  'eyJuYW1lIjoiZml4dHVyZSIsImluZm8iOnsiZmlyc3RfZGVwbG95ZWQiOiIyMDI2LTExLTI0VDA2OjIwOjQzLjAwMzg4MjEzOVoiLCJsYXN0X2RlcGxveWVk',
  'IjoiMjAyNi0xMS0yNFQwNjoyMDo0My4wMDM4ODIxMzlaIiwiZGVzY3JpcHRpb24iOiJEcnkgcnVuIGNvbXBsZXRlIiwic3RhdHVzIjoicGVuZGluZy1pbnN0',
  'YWxsIiwibm90ZXMiOiJOb3RlcyBmb3IgZml4dHVyZSBcdTAwM2NcdTAwMjZcdTAwM2VcbiJ9LCJjaGFydCI6eyJtZXRhZGF0YSI6eyJuYW1lIjoiZngiLCJo',
  'b21lIjoiaHR0cHM6Ly9leGFtcGxlLmNvbSIsInNvdXJjZXMiOlsiaHR0cHM6Ly9leGFtcGxlLmNvbS9zcmMiXSwidmVyc2lvbiI6IjEuMi4zLXJjLjEiLCJk',
  'ZXNjcmlwdGlvbiI6IkZpeHR1cmUgXHUwMDNjY2hhcnRcdTAwM2UgXHUwMDI2IGZyaWVuZHMiLCJrZXl3b3JkcyI6WyJiIiwiYSJdLCJtYWludGFpbmVycyI6',
  'W3sibmFtZSI6IkFubiIsImVtYWlsIjoiYW5uQGV4YW1wbGUuY29tIn0seyJuYW1lIjoiQm9iIn1dLCJpY29uIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9pY29u',
  'LnBuZyIsImFwaVZlcnNpb24iOiJ2MiIsImFwcFZlcnNpb24iOiIyLjAiLCJkZXByZWNhdGVkIjp0cnVlLCJhbm5vdGF0aW9ucyI6eyJhbHBoYSI6InR3byIs',
  'ImNoYXJ0cm9vbS5kZXYvZW5naW5lIjoiZ290cGwiLCJ6ZXRhIjoiMSJ9LCJrdWJlVmVyc2lvbiI6Ilx1MDAzZT0xLjIwLjAtMCIsImRlcGVuZGVuY2llcyI6',
  'W3sibmFtZSI6InN1YiIsInZlcnNpb24iOiIwLjEuMCIsInJlcG9zaXRvcnkiOiJmaWxlOi8vY2hhcnRzL3N1YiIsImNvbmRpdGlvbiI6InN1Yi5lbmFibGVk',
  'IiwiZW5hYmxlZCI6dHJ1ZSwiaW1wb3J0LXZhbHVlcyI6W3siY2hpbGQiOiJleHBvcnRlZCIsInBhcmVudCI6ImZyb21zdWIifV19XX0sImxvY2siOnsiZ2Vu',
  'ZXJhdGVkIjoiMjAyNi0xMS0yNFQwNjoyMDo0Mi45NjE5MDc3MDdaIiwiZGlnZXN0Ijoic2hhMjU2OjQ1ZTlhYTcxNmIwMDQyNmM1YmZkOWY2NzFlYTIzYjM0',
  'ZThmNTgwOGUzOTQ3ZjM5NmU1ODUzN2U5MDhiMzg0OTUiLCJkZXBlbmRlbmNpZXMiOlt7Im5hbWUiOiJzdWIiLCJ2ZXJzaW9uIjoiMC4xLjAiLCJyZXBvc2l0',
  'b3J5IjoiZmlsZTovL2NoYXJ0cy9zdWIifV19LCJ0ZW1wbGF0ZXMiOlt7Im5hbWUiOiJ0ZW1wbGF0ZXMvTk9URVMudHh0IiwiZGF0YSI6IlRtOTBaWE1nWm05',
  'eUlIdDdJQzVTWld4bFlYTmxMazVoYldVZ2ZYMGdQQ1krQ2c9PSIsIm1vZHRpbWUiOiIyMDI2LTExLTI0VDA2OjIwOjQyLjkxNzE5MTc2OVoifSx7Im5hbWUi',
  'OiJ0ZW1wbGF0ZXMvY20ueWFtbCIsImRhdGEiOiJZWEJwVm1WeWMybHZiam9nZGpFS2EybHVaRG9nUTI5dVptbG5UV0Z3Q20xbGRHRmtZWFJoT2dvZ0lHNWhi',
  'V1U2SUh0N0lDNVNaV3hsWVhObExrNWhiV1VnZlgwdFkyMEtaR0YwWVRvS0lDQmhPaUI3ZXlBdVZtRnNkV1Z6TG1Gc2NHaGhJSHdnY1hWdmRHVWdmWDBLIiwi',
  'bW9kdGltZSI6IjIwMjYtMTEtMjRUMDY6MjA6NDIuOTE2MDcxMzE4WiJ9LHsibmFtZSI6InRlbXBsYXRlcy9ob29rLnlhbWwiLCJkYXRhIjoiWVhCcFZtVnlj',
  'Mmx2YmpvZ1ltRjBZMmd2ZGpFS2EybHVaRG9nU205aUNtMWxkR0ZrWVhSaE9nb2dJRzVoYldVNklIdDdJQzVTWld4bFlYTmxMazVoYldVZ2ZYMHRhRzl2YXdv',
  'Z0lHRnVibTkwWVhScGIyNXpPZ29nSUNBZ0ltaGxiRzB1YzJndmFHOXZheUk2SUhCeVpTMXBibk4wWVd4c0xIQnZjM1F0ZFhCbmNtRmtaUW9nSUNBZ0ltaGxi',
  'RzB1YzJndmFHOXZheTEzWldsbmFIUWlPaUFpTFRVaUNpQWdJQ0FpYUdWc2JTNXphQzlvYjI5ckxXUmxiR1YwWlMxd2IyeHBZM2tpT2lCb2IyOXJMWE4xWTJO',
  'bFpXUmxaQ3hpWldadmNtVXRhRzl2YXkxamNtVmhkR2x2YmdvZ0lDQWdJbWhsYkcwdWMyZ3ZhRzl2YXkxdmRYUndkWFF0Ykc5bkxYQnZiR2xqZVNJNklHaHZi',
  'MnN0Wm1GcGJHVmtDbk53WldNNkNpQWdkR1Z0Y0d4aGRHVTZDaUFnSUNCemNHVmpPZ29nSUNBZ0lDQnlaWE4wWVhKMFVHOXNhV041T2lCT1pYWmxjZ29nSUNB',
  'Z0lDQmpiMjUwWVdsdVpYSnpPaUJiZTI1aGJXVTZJR01zSUdsdFlXZGxPaUJpZFhONVltOTRmVjBLIiwibW9kdGltZSI6IjIwMjYtMTEtMjRUMDY6MjA6NDIu',
  'OTE3MTkxNzY5WiJ9XSwidmFsdWVzIjp7ImFscGhhIjoxLjUsImJpZyI6MTIzNDU2Nzg5MDEyMzQ1NjcwMDAsImVtcHR5Ijp7fSwiZnJvbXN1YiI6eyJncmVl',
  'dGluZyI6ImhpIn0sImh1Z2UiOjFlKzIxLCJsaXN0IjpbMSwidHdvIixudWxsLHRydWUseyJhIjoyLCJiIjoxfV0sIm5lZyI6LTAsIm5lc3RlZCI6eyJ0cnVl',
  'IjpbXSwieCI6eyJrIjoidiJ9fSwic3RyIjoibGluZTFcbmxpbmUyXHR0YWJcdTAwMDFjdGxcdTIwMjhzZXAgXHUwMDNjaHRtbFx1MDAzZSBcdTAwMjYgXCJx',
  'XCIgXFwgw6kg5pel5pysIPCfmIAiLCJzdWIiOnsiZW5hYmxlZCI6dHJ1ZSwiZXhwb3J0ZWQiOnsiZ3JlZXRpbmciOiJoaSJ9LCJnbG9iYWwiOnt9LCJzdWJ2',
  'YWwiOjN9LCJ0aW55IjoxZS03LCJ6IjoieiIsInplYnJhIjoxLCLDpCI6InVtbGF1dCIsIsOpIjoiZS1hY3V0ZSIsIu+9niI6ImZ1bGx3aWR0aCIsIvCfmIAi',
  'OiJlbW9qaSJ9LCJzY2hlbWEiOiJleUlrYzJOb1pXMWhJam9pYUhSMGNEb3ZMMnB6YjI0dGMyTm9aVzFoTG05eVp5OWtjbUZtZEMwd055OXpZMmhsYldFaklp',
  'd2lkSGx3WlNJNkltOWlhbVZqZENKOUNnPT0iLCJzY2hlbWFtb2R0aW1lIjoiMjAyNi0xMS0yNFQwNjoyMDo0Mi45MTQ4Nzg2NTRaIiwiZmlsZXMiOlt7Im5h',
  'bWUiOiJSRUFETUUubWQiLCJkYXRhIjoiVWtWQlJFMUZJR1p2Y2lCbWVBbz0iLCJtb2R0aW1lIjoiMjAyNi0xMS0yNFQwNjoyMDo0Mi45MTQ4Nzg2NTRaIn0s',
  'eyJuYW1lIjoiYm9tLnR4dCIsImRhdGEiOiJRazlOSUdacGJHVUsiLCJtb2R0aW1lIjoiMjAyNi0xMS0yNFQwNjoyMDo0Mi45MTQ4Nzg2NTRaIn1dLCJtb2R0',
  'aW1lIjoiMjAyNi0xMS0yNFQwNjoyMDo0Mi45MTM4MTIzMDhaIn0sImNvbmZpZyI6eyJuIjozLCJ1c2VyIjp7ImtleSI6Ilx1MDAzY3ZcdTAwM2UifX0sIm1h',
  'bmlmZXN0IjoiLS0tXG4jIFNvdXJjZTogZngvY2hhcnRzL3N1Yi90ZW1wbGF0ZXMvcy55YW1sXG5hcGlWZXJzaW9uOiB2MVxua2luZDogQ29uZmlnTWFwXG5t',
  'ZXRhZGF0YTpcbiAgbmFtZTogZml4dHVyZS1zdWJcbi0tLVxuIyBTb3VyY2U6IGZ4L3RlbXBsYXRlcy9jbS55YW1sXG5hcGlWZXJzaW9uOiB2MVxua2luZDog',
  'Q29uZmlnTWFwXG5tZXRhZGF0YTpcbiAgbmFtZTogZml4dHVyZS1jbVxuZGF0YTpcbiAgYTogXCIxLjVcIlxuIiwiaG9va3MiOlt7Im5hbWUiOiJmaXh0dXJl',
  'LWhvb2siLCJraW5kIjoiSm9iIiwicGF0aCI6ImZ4L3RlbXBsYXRlcy9ob29rLnlhbWwiLCJtYW5pZmVzdCI6ImFwaVZlcnNpb246IGJhdGNoL3YxXG5raW5k',
  'OiBKb2Jcbm1ldGFkYXRhOlxuICBuYW1lOiBmaXh0dXJlLWhvb2tcbiAgYW5ub3RhdGlvbnM6XG4gICAgXCJoZWxtLnNoL2hvb2tcIjogcHJlLWluc3RhbGws',
  'cG9zdC11cGdyYWRlXG4gICAgXCJoZWxtLnNoL2hvb2std2VpZ2h0XCI6IFwiLTVcIlxuICAgIFwiaGVsbS5zaC9ob29rLWRlbGV0ZS1wb2xpY3lcIjogaG9v',
  'ay1zdWNjZWVkZWQsYmVmb3JlLWhvb2stY3JlYXRpb25cbiAgICBcImhlbG0uc2gvaG9vay1vdXRwdXQtbG9nLXBvbGljeVwiOiBob29rLWZhaWxlZFxuc3Bl',
  'YzpcbiAgdGVtcGxhdGU6XG4gICAgc3BlYzpcbiAgICAgIHJlc3RhcnRQb2xpY3k6IE5ldmVyXG4gICAgICBjb250YWluZXJzOiBbe25hbWU6IGMsIGltYWdl',
  'OiBidXN5Ym94fV0iLCJldmVudHMiOlsicHJlLWluc3RhbGwiLCJwb3N0LXVwZ3JhZGUiXSwibGFzdF9ydW4iOnsicGhhc2UiOiIifSwid2VpZ2h0IjotNSwi',
  'ZGVsZXRlX3BvbGljaWVzIjpbImhvb2stc3VjY2VlZGVkIiwiYmVmb3JlLWhvb2stY3JlYXRpb24iXSwib3V0cHV0X2xvZ19wb2xpY2llcyI6WyJob29rLWZh',
  'aWxlZCJdfV0sInZlcnNpb24iOjEsIm5hbWVzcGFjZSI6InByb2QiLCJhcHBseV9tZXRob2QiOiJzc2EifQ==',
].join('');

/** The same for a chart of one template, no values.yaml, `engine: handlebars` in Chart.yaml (`helm install mini ./mini --dry-run=client -o json`). */
const HELM_MINI_JSON_B64 = [
  'eyJuYW1lIjoibWluaSIsImluZm8iOnsiZmlyc3RfZGVwbG95ZWQiOiIyMDI2LTExLTI0VDA2OjIwOjUwLjkyMTQ1MTc5OFoiLCJsYXN0X2RlcGxveWVkIjoi',
  'MjAyNi0xMS0yNFQwNjoyMDo1MC45MjE0NTE3OThaIiwiZGVzY3JpcHRpb24iOiJEcnkgcnVuIGNvbXBsZXRlIiwic3RhdHVzIjoicGVuZGluZy1pbnN0YWxs',
  'In0sImNoYXJ0Ijp7Im1ldGFkYXRhIjp7Im5hbWUiOiJtaW5pIiwidmVyc2lvbiI6IjAuMC4xIiwiYXBpVmVyc2lvbiI6InYyIn0sImxvY2siOm51bGwsInRl',
  'bXBsYXRlcyI6W3sibmFtZSI6InRlbXBsYXRlcy9jbS55YW1sIiwiZGF0YSI6IllYQnBWbVZ5YzJsdmJqb2dkakVLYTJsdVpEb2dRMjl1Wm1sblRXRndDbTFs',
  'ZEdGa1lYUmhPZ29nSUc1aGJXVTZJRzBLIiwibW9kdGltZSI6IjIwMjYtMTEtMjRUMDY6MjA6NTAuODc5Njc1NDc1WiJ9XSwidmFsdWVzIjpudWxsLCJzY2hl',
  'bWEiOm51bGwsInNjaGVtYW1vZHRpbWUiOiIwMDAxLTAxLTAxVDAwOjAwOjAwWiIsImZpbGVzIjpudWxsLCJtb2R0aW1lIjoiMjAyNi0xMS0yNFQwNjoyMDo1',
  'MC44Nzk2NzU0NzVaIn0sIm1hbmlmZXN0IjoiLS0tXG4jIFNvdXJjZTogbWluaS90ZW1wbGF0ZXMvY20ueWFtbFxuYXBpVmVyc2lvbjogdjFcbmtpbmQ6IENv',
  'bmZpZ01hcFxubWV0YWRhdGE6XG4gIG5hbWU6IG1cbiIsInZlcnNpb24iOjEsIm5hbWVzcGFjZSI6ImRlZmF1bHQiLCJhcHBseV9tZXRob2QiOiJzc2EifQ==',
].join('');
/** The files of that chart (charts/sub-0.1.0.tgz left out; its Chart.yaml had `alias: ""` too, which Chartroom's loader refuses and helm omits). */
const FX_FILES: Record<string, string> = {
  "Chart.lock": "dependencies:\n- name: sub\n  repository: file://charts/sub\n  version: 0.1.0\ndigest: sha256:45e9aa716b00426c5bfd9f671ea23b34e8f5808e3947f396e58537e908b38495\ngenerated: \"2026-11-24T06:20:42.961907707Z\"\n",
  "Chart.yaml": "apiVersion: v2\nname: fx\nversion: 1.2.3-rc.1\nappVersion: \"2.0\"\ndescription: Fixture <chart> & friends\nkubeVersion: \">=1.20.0-0\"\nkeywords: [b, a]\nhome: https://example.com\nsources: [https://example.com/src]\nicon: https://example.com/icon.png\ndeprecated: true\nmaintainers:\n  - name: Ann\n    email: ann@example.com\n  - name: Bob\nannotations:\n  zeta: \"1\"\n  alpha: two\n  chartroom.dev/engine: gotpl\ndependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://charts/sub\n    condition: sub.enabled\n    import-values:\n      - child: exported\n        parent: fromsub\n",
  "README.md": "README for fx\n",
  "bom.txt": "\ufeffBOM file\n",
  "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
  "charts/sub/templates/s.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-sub\n",
  "charts/sub/values.yaml": "exported:\n  greeting: hi\nsubval: 3\n",
  "templates/NOTES.txt": "Notes for {{ .Release.Name }} <&>\n",
  "templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  a: {{ .Values.alpha | quote }}\n",
  "templates/hook.yaml": "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-hook\n  annotations:\n    \"helm.sh/hook\": pre-install,post-upgrade\n    \"helm.sh/hook-weight\": \"-5\"\n    \"helm.sh/hook-delete-policy\": hook-succeeded,before-hook-creation\n    \"helm.sh/hook-output-log-policy\": hook-failed\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: c, image: busybox}]\n",
  "values.schema.json": "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\"}\n",
  "values.yaml": "zebra: 1\nalpha: 1.5\ntiny: 0.0000001\nhuge: 1e21\nneg: -0.0\nbig: 12345678901234567890\nstr: \"line1\\nline2\\ttab\\u0001ctl\\u2028sep <html> & \\\"q\\\" \\\\ \u00e9 \u65e5\u672c \ud83d\ude00\"\n\"\u00e4\": umlaut\n\"\u00e9\": e-acute\n\"z\": z\n\"\\uff5e\": fullwidth\n\"\ud83d\ude00\": emoji\nlist: [1, \"two\", null, true, {b: 1, a: 2}]\nempty: {}\nnested: {y: [], x: {k: v}}\nsub:\n  enabled: true\n",
};

const fixtureText = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
/** As Helm's driver stores a record: base64 of gzip'd JSON. */
const stored = (json: string) => gzipSync(Buffer.from(json, 'utf8')).toString('base64');
const inflate = (encoded: string) => gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const HELM_FX = fixtureText(HELM_FX_JSON_B64);
const HELM_MINI = fixtureText(HELM_MINI_JSON_B64);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return hasCode(e, 'RELEASE_INVALID', 'RELEASE_TOO_LARGE') ? e.code : String(e);
  }
  return undefined;
}

function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A chart record without the modification times Helm 4 keeps (we do not know them). */
function withoutTimes(c: ReleaseChart): ReleaseChart {
  const { modtime: _m, schemamodtime: _s, ...rest } = c;
  const strip = (files: ReleaseChart['files']) => files.map(({ modtime: _t, ...f }) => f);
  return { ...rest, templates: strip(c.templates), files: strip(c.files) };
}

describe('Go times, as encoding/json writes time.Time', () => {
  it('goTime: RFC 3339 in UTC, milliseconds without trailing zeros, none when zero', () => {
    expect(goTime(new Date('2024-01-02T03:04:05.120Z'))).toBe('2024-01-02T03:04:05.12Z');
    expect(goTime(new Date('2024-01-02T03:04:05.001Z'))).toBe('2024-01-02T03:04:05.001Z');
    expect(goTime(new Date('2024-01-02T03:04:05.000Z'))).toBe('2024-01-02T03:04:05Z');
    expect(goTime(new Date('2024-01-02T03:04:05.500+02:00'))).toBe('2024-01-02T01:04:05.5Z');
    const zero = new Date(0);
    zero.setUTCFullYear(1, 0, 1);
    zero.setUTCHours(0, 0, 0, 0);
    expect(goTime(zero)).toBe(GO_ZERO_TIME);
    expect(goTime(new Date('0099-03-04T00:00:00Z'))).toBe('0099-03-04T00:00:00Z');
  });

  it('goTime refuses what Go refuses: an invalid date, a year past 9999', () => {
    expect(code(() => goTime(new Date('nope')))).toBe('RELEASE_INVALID');
    expect(code(() => goTime(new Date('+010000-01-01T00:00:00Z')))).toBe('RELEASE_INVALID');
  });

  // Each pair: what Go's time.Time UnmarshalJSON then MarshalJSON makes of the text (checked with Go).
  it.each([
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
    ['2024-01-02T03:04:05.120000000+01:00', '2024-01-02T03:04:05.12+01:00'],
    ['2024-01-02T03:04:05.000000001Z', '2024-01-02T03:04:05.000000001Z'],
    ['2024-01-02T03:04:05.1234567891Z', '2024-01-02T03:04:05.123456789Z'],
    ['2024-01-02T03:04:05+00:00', '2024-01-02T03:04:05Z'],
    ['2024-01-02T03:04:05-00:00', '2024-01-02T03:04:05Z'],
    ['2024-02-29T23:59:59.5-07:30', '2024-02-29T23:59:59.5-07:30'],
    ['2026-11-24T06:20:43.003882139Z', '2026-11-24T06:20:43.003882139Z'],
  ])('normalizeGoTime(%s) = %s', (input, output) => {
    expect(normalizeGoTime(input)).toBe(output);
  });

  it.each(['2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:60Z', '2024-01-01 00:00:00Z', '2024-01-01t00:00:00z', '2024-01-01T00:00:00', ''])(
    'refuses %j as Go does',
    (input) => {
      expect(parseGoTime(input)).toBeUndefined();
      expect(code(() => normalizeGoTime(input))).toBe('RELEASE_INVALID');
    },
  );

  it('zero is an instant: absent, empty, or 0001-01-01T00:00:00Z in any zone (what omitzero leaves out)', () => {
    for (const t of [undefined, '', GO_ZERO_TIME, '0001-01-01T01:00:00+01:00']) expect(isZeroGoTime(t)).toBe(true);
    for (const t of ['0001-01-01T00:00:00.000000001Z', '0001-01-01T00:00:00-01:00', '1970-01-01T00:00:00Z']) expect(isZeroGoTime(t)).toBe(false);
    expect(goTimeToDate(GO_ZERO_TIME)).toBeUndefined();
    expect(goTimeToDate('2024-01-02T03:04:05.123456789+01:00')?.toISOString()).toBe('2024-01-02T02:04:05.123Z');
  });
});

describe("Go's encoding/json", () => {
  // Each pair: json.Marshal(float64) (checked with Go).
  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [1.5e-7, '1.5e-7'],
    [0.000001, '0.000001'],
    [123456789.125, '123456789.125'],
    [-0, '-0'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [100, '100'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('float64 %p as %s', (n, text) => {
    expect(goJsonNumber(n)).toBe(text);
  });

  it('refuses NaN and infinities, as json.Marshal does', () => {
    expect(code(() => goJsonNumber(NaN))).toBe('RELEASE_INVALID');
    expect(code(() => goJsonValue({ a: [Infinity] }))).toBe('RELEASE_INVALID');
  });

  it('escapes strings as Go 1.22+ does: short escapes for \\b \\f \\n \\r \\t, HTML characters and U+2028/9 as \\u, DEL as itself', () => {
    expect(goJsonString('a\u0000\u0007\b\f\n\r\t\u001f\u007f<>&\u2028\u2029"\\ é 😀 \ud800 end')).toBe(
      '"a\\u0000\\u0007\\b\\f\\n\\r\\t\\u001f\u007f\\u003c\\u003e\\u0026\\u2028\\u2029\\"\\\\ é 😀 \\ufffd end"',
    );
    expect(goJsonString('plain')).toBe('"plain"');
  });

  it('sorts map keys by their UTF-8 bytes, not by UTF-16 units', () => {
    expect(goJsonValue({ b: 1, a: 2, é: 3, '\uff5e': 4, '😀': 5, Z: 6, '': 7 })).toBe('{"":7,"Z":6,"a":2,"b":1,"é":3,"～":4,"😀":5}');
    expect(compareCodePoints('\uff5e', '😀')).toBeLessThan(0);
    expect(['😀', '\uff5e'].sort()[0]).toBe('😀'); // what a plain sort would wrongly do
  });

  it('writes nested values: null, lists, booleans; leaves out undefined map entries', () => {
    expect(goJsonValue({ l: [1, 'two', null, true, { b: 1, a: 2 }], u: undefined, e: {} })).toBe('{"e":{},"l":[1,"two",null,true,{"a":2,"b":1}]}');
  });
});

describe("records helm made (helm v4.1.4's own JSON)", () => {
  it('decodes every field of a release', () => {
    const rel = decodeRelease(stored(HELM_FX));
    expect(rel).toMatchObject({ name: 'fixture', namespace: 'prod', version: 1, apply_method: 'ssa', config: { n: 3, user: { key: '<v>' } } });
    expect(rel.labels).toBeUndefined(); // labels live on the Secret, not in the JSON
    expect(rel.info).toEqual({
      first_deployed: '2026-11-24T06:20:43.003882139Z',
      last_deployed: '2026-11-24T06:20:43.003882139Z',
      deleted: GO_ZERO_TIME, // Helm 4 leaves a zero time out; we fill it in
      description: 'Dry run complete',
      status: 'pending-install',
      notes: 'Notes for fixture <&>\n',
    });
    expect(rel.manifest).toContain('# Source: fx/templates/cm.yaml');
    const c = rel.chart;
    expect(c.metadata).toMatchObject({ name: 'fx', version: '1.2.3-rc.1', apiVersion: 'v2', appVersion: '2.0', deprecated: true, annotations: { alpha: 'two', zeta: '1' } });
    expect(c.lock).toEqual({ generated: '2026-11-24T06:20:42.961907707Z', digest: 'sha256:45e9aa716b00426c5bfd9f671ea23b34e8f5808e3947f396e58537e908b38495', dependencies: [{ name: 'sub', version: '0.1.0', repository: 'file://charts/sub' }] });
    expect(c.templates.map((t) => t.name)).toEqual(['templates/NOTES.txt', 'templates/cm.yaml', 'templates/hook.yaml']);
    expect(c.files.map((f) => [f.name, Buffer.from(f.data, 'base64').toString()])).toEqual([
      ['README.md', 'README for fx\n'],
      ['bom.txt', 'BOM file\n'], // helm drops a byte order mark when it loads files
    ]);
    expect(c.templates[0].modtime).toMatch(/^2026-11-24T/);
    expect(Buffer.from(c.schema!, 'base64').toString()).toContain('"type":"object"');
    expect(c.schemamodtime).toMatch(/^2026-11-24T/);
    expect(c.modtime).toMatch(/^2026-11-24T/);
    // Helm's install replaced the chart's values with the coalesced defaults of the tree (subchart, globals, import-values).
    expect(c.values).toMatchObject({ fromsub: { greeting: 'hi' }, sub: { enabled: true, exported: { greeting: 'hi' }, global: {}, subval: 3 }, neg: -0, tiny: 1e-7, huge: 1e21 });
    expect(rel.hooks).toEqual([
      {
        name: 'fixture-hook',
        kind: 'Job',
        path: 'fx/templates/hook.yaml',
        manifest: expect.stringContaining('"helm.sh/hook": pre-install,post-upgrade'),
        events: ['pre-install', 'post-upgrade'],
        last_run: { phase: '' },
        weight: -5,
        delete_policies: ['hook-succeeded', 'before-hook-creation'],
        output_log_policies: ['hook-failed'],
      },
    ]);
  });

  it.each([
    ['a chart with values, schema, files, lock, hooks and odd strings and numbers', HELM_FX],
    ['a chart of one template without values.yaml (values, schema and files null)', HELM_MINI],
  ])('writes back byte for byte what helm wrote: %s', (_what, json) => {
    const rel = decodeRelease(stored(json));
    expect(releaseJson(rel)).toBe(json);
    expect(inflate(encodeRelease(rel))).toBe(json);
  });

  it('reads base64 of plain JSON too (records from before Helm compressed them)', () => {
    expect(decodeRelease(b64(HELM_MINI))).toEqual(decodeRelease(stored(HELM_MINI)));
  });

  it("a chart without values.yaml or files: values null, no files; Chartroom's engine field is not in helm's record", () => {
    const rel = decodeRelease(stored(HELM_MINI));
    expect(rel.chart.values).toBeNull();
    expect(rel.chart.files).toEqual([]);
    expect(rel.chart.schema).toBeNull();
    expect(rel.chart.metadata).toEqual({ name: 'mini', version: '0.0.1', apiVersion: 'v2' });
    expect(HELM_MINI).toContain('"values":null,"schema":null,"schemamodtime":"0001-01-01T00:00:00Z","files":null');
  });

  it('reads a Helm 3 record: deleted written as the zero time, zoned times with trailing zeros, no apply_method', () => {
    const v3 =
      '{"name":"old","info":{"first_deployed":"2023-05-06T07:08:09.100+02:00","last_deployed":"2023-05-06T07:08:09.100+02:00","deleted":"0001-01-01T00:00:00Z","description":"Install complete","status":"deployed"},' +
      '"chart":{"metadata":{"name":"c","version":"1.0.0","apiVersion":"v2"},"lock":null,"templates":[],"values":{},"schema":null,"files":[]},' +
      '"manifest":"---\\n","hooks":[{"name":"h","kind":"Pod","path":"c/templates/h.yaml","manifest":"kind: Pod","events":["test"],"last_run":{"started_at":"2023-05-06T07:08:10+02:00","completed_at":"","phase":"Succeeded"}}],"version":3,"namespace":"ns"}';
    const rel = decodeRelease(stored(v3));
    expect(rel.info.first_deployed).toBe('2023-05-06T07:08:09.100+02:00'); // kept as written
    expect(rel.info.deleted).toBe(GO_ZERO_TIME);
    expect(rel.hooks![0].last_run).toEqual({ started_at: '2023-05-06T07:08:10+02:00', phase: 'Succeeded' }); // "" is zero, as Helm 4 reads it
    expect(rel.apply_method).toBeUndefined();
    // Written back as Helm 4 would: zero deleted left out, times trimmed, empty lists null, schemamodtime present.
    expect(releaseJson(rel)).toBe(
      '{"name":"old","info":{"first_deployed":"2023-05-06T07:08:09.1+02:00","last_deployed":"2023-05-06T07:08:09.1+02:00","description":"Install complete","status":"deployed"},' +
        '"chart":{"metadata":{"name":"c","version":"1.0.0","apiVersion":"v2"},"lock":null,"templates":null,"values":{},"schema":null,"schemamodtime":"0001-01-01T00:00:00Z","files":null},' +
        '"manifest":"---\\n","hooks":[{"name":"h","kind":"Pod","path":"c/templates/h.yaml","manifest":"kind: Pod","events":["test"],"last_run":{"started_at":"2023-05-06T07:08:10+02:00","phase":"Succeeded"}}],"version":3,"namespace":"ns"}',
    );
  });
});

function sampleRelease(): Release {
  return {
    name: 'web',
    namespace: 'apps',
    version: 7,
    info: {
      first_deployed: '2024-01-02T03:04:05.5Z',
      last_deployed: '2024-03-04T05:06:07.123456789+01:00',
      deleted: '2024-05-06T00:00:00Z',
      description: 'Upgrade complete <ok>',
      status: 'deployed',
      rollback_revision: 5,
      notes: 'see\u2028here',
    },
    chart: {
      metadata: { name: 'web', version: '1.0.0', apiVersion: 'v2', annotations: { b: 'x', a: 'y' }, dependencies: [{ name: 'db', repository: 'https://charts', enabled: true, 'import-values': ['data'] }] },
      lock: { generated: '2024-01-01T00:00:00Z', digest: 'sha256:00', dependencies: [{ name: 'db', version: '1.2.3', repository: 'https://charts' }] },
      templates: [{ name: 'templates/a.yaml', data: b64('kind: A\n'), modtime: '2024-01-01T00:00:00Z' }],
      values: { replicas: 2, image: { tag: 'v1' }, ratio: 0.25, on: true, none: null, list: ['a', 1] },
      schema: b64('{}'),
      schemamodtime: '2024-01-01T00:00:00Z',
      files: [{ name: 'README.md', data: b64('hi') }],
      modtime: '2024-01-01T00:00:00Z',
    },
    config: { replicas: 3, 'key<&>': 'v' },
    manifest: '---\n# Source: web/templates/a.yaml\nkind: A\n',
    hooks: [
      {
        name: 'migrate',
        kind: 'Job',
        path: 'web/templates/job.yaml',
        manifest: 'kind: Job',
        events: ['pre-upgrade'],
        last_run: { started_at: '2024-03-04T05:06:00Z', completed_at: '2024-03-04T05:06:30.25Z', phase: 'Succeeded' },
        weight: 3,
        delete_policies: ['before-hook-creation'],
        output_log_policies: ['hook-failed'],
      },
    ],
    apply_method: 'ssa',
  };
}

describe('encodeRelease / decodeRelease', () => {
  it('round-trips a record with every field (labels are not part of the JSON)', () => {
    const rel = sampleRelease();
    const back = decodeRelease(encodeRelease({ ...rel, labels: { team: 'web' } }));
    expect(back).toEqual(rel);
  });

  it('writes the fields in Go struct order and Helm 4 omission rules', () => {
    const json = releaseJson(sampleRelease());
    expect(json.startsWith('{"name":"web","info":{"first_deployed":"2024-01-02T03:04:05.5Z","last_deployed":"2024-03-04T05:06:07.123456789+01:00","deleted":"2024-05-06T00:00:00Z","description":"Upgrade complete \\u003cok\\u003e","status":"deployed","rollback_revision":5,"notes":"see\\u2028here"},"chart":{"metadata":')).toBe(true);
    expect(json).toContain('"metadata":{"name":"web","version":"1.0.0","apiVersion":"v2","annotations":{"a":"y","b":"x"},"dependencies":[{"name":"db","repository":"https://charts","enabled":true,"import-values":["data"]}]}');
    expect(json).toContain('"lock":{"generated":"2024-01-01T00:00:00Z","digest":"sha256:00","dependencies":[{"name":"db","version":"1.2.3","repository":"https://charts"}]}');
    expect(json).toContain('"files":[{"name":"README.md","data":"aGk="}],"modtime":"2024-01-01T00:00:00Z"},"config":{"key\\u003c\\u0026\\u003e":"v","replicas":3},"manifest":');
    expect(json.endsWith('"weight":3,"delete_policies":["before-hook-creation"],"output_log_policies":["hook-failed"]}],"version":7,"namespace":"apps","apply_method":"ssa"}')).toBe(true);
  });

  it('leaves out zero times, empty strings, zero numbers, empty config and hooks; last_run and its phase are always there', () => {
    const rel: Release = {
      name: 'x',
      namespace: '',
      version: 0,
      info: { deleted: GO_ZERO_TIME, first_deployed: '', status: 'pending-install' },
      chart: { metadata: { name: 'x', engine: 'handlebars', extra: 1 }, lock: null, templates: [], values: null, schema: null, files: [] },
      config: {},
      hooks: [{ events: [] }],
    };
    expect(releaseJson(rel)).toBe(
      '{"name":"x","info":{"status":"pending-install"},"chart":{"metadata":{"name":"x"},"lock":null,"templates":null,"values":null,"schema":null,"schemamodtime":"0001-01-01T00:00:00Z","files":null},"hooks":[{"last_run":{"phase":""}}]}',
    );
  });

  it("gzips at best compression with Go's header (zero mtime, XFL 2, OS unknown)", () => {
    const gz = Buffer.from(encodeRelease(sampleRelease()), 'base64');
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x02, 0xff]);
  });

  it('refuses what Go would not write: fractional versions, NaN values, bad times, data that is not base64', () => {
    expect(code(() => encodeRelease({ ...sampleRelease(), version: 1.5 }))).toBe('RELEASE_INVALID');
    expect(code(() => encodeRelease({ ...sampleRelease(), config: { a: NaN } }))).toBe('RELEASE_INVALID');
    expect(code(() => encodeRelease({ ...sampleRelease(), info: { deleted: 'yesterday' } }))).toBe('RELEASE_INVALID');
    const rel = sampleRelease();
    rel.chart.templates[0].data = 'not base64!';
    expect(code(() => encodeRelease(rel))).toBe('RELEASE_INVALID');
  });

  it('refuses input that is not base64, not gzip, not JSON or not Helm JSON, as RELEASE_INVALID', () => {
    expect(code(() => decodeRelease('%%%'))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4]).toString('base64')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('{not json')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('null')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('{"version":"1"}')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('{"version":1.5}')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('{"info":{"last_deployed":"2024-01-01"}}')))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64('{"chart":{"templates":[{"name":"a","data":"@@"}]}}')))).toBe('RELEASE_INVALID');
  });

  it('is bounded: a record that inflates past the limit is refused without inflating it all', () => {
    const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20)).toString('base64');
    expect(bomb.length).toBeLessThan(100_000);
    expect(code(() => decodeRelease(bomb))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(stored(HELM_MINI), 100))).toBe('RELEASE_INVALID');
    expect(code(() => decodeRelease(b64(HELM_MINI), 100))).toBe('RELEASE_INVALID');
    expect(decodeRelease(stored(HELM_MINI), 1024).name).toBe('mini');
  });

  it('decodes leniently where Go does: null fields, missing info, unknown fields', () => {
    const rel = releaseFromJson({ name: 'a', info: null, chart: { metadata: null, templates: null, files: null, unknown: 1 }, hooks: null, future: true });
    expect(rel).toEqual({ name: 'a', info: { deleted: GO_ZERO_TIME }, chart: { metadata: {}, lock: null, templates: [], values: null, schema: null, files: [] }, version: 0, namespace: '' });
  });
});

describe('records from our charts', () => {
  it('chartRecord of the chart helm recorded matches helm: metadata, lock, templates, files (BOM removed), schema', () => {
    const { dir, cleanup } = tempDir();
    try {
      const chart = loadChartDir(writeFiles(join(dir, 'fx'), FX_FILES));
      const ours = chartRecord(chart);
      const helm = decodeRelease(stored(HELM_FX)).chart;
      // Helm's install marks the dependency enabled (after evaluating its condition) before recording it.
      expect(metadataJson(ours.metadata)).toBe(metadataJson(helm.metadata).replace('"enabled":true,', ''));
      expect(lockJson(ours.lock)).toBe(lockJson(helm.lock));
      const { values: _ov, ...oursRest } = withoutTimes(ours);
      const { values: _hv, ...helmRest } = withoutTimes(helm);
      expect(oursRest).toEqual({ ...helmRest, metadata: expect.anything() });
      // values: the chart's values.yaml; the caller passes Helm's coalesced defaults when it has them.
      expect(ours.values).toMatchObject({ zebra: 1, alpha: 1.5, sub: { enabled: true } });
      expect(ours.values).not.toHaveProperty('fromsub');
      expect(chartRecord(chart, { values: helm.values }).values).toBe(helm.values);
    } finally {
      cleanup();
    }
  });

  it('a whole record of a chart without values.yaml is byte for byte what helm wrote (given its times)', () => {
    const { dir, cleanup } = tempDir();
    try {
      const chart = loadChartDir(
        writeFiles(join(dir, 'mini'), {
          'Chart.yaml': 'apiVersion: v2\nname: mini\nversion: 0.0.1\nengine: handlebars\n',
          'templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n',
        }),
      );
      const helm = decodeRelease(stored(HELM_MINI));
      const ours = chartRecord(chart);
      expect(ours.metadata).toEqual({ name: 'mini', version: '0.0.1', apiVersion: 'v2' });
      const timed: ReleaseChart = { ...ours, templates: ours.templates.map((t, i) => ({ ...t, modtime: helm.chart.templates[i].modtime })), modtime: helm.chart.modtime };
      expect(releaseJson({ ...helm, chart: timed })).toBe(HELM_MINI);
    } finally {
      cleanup();
    }
  });

  it("helmFiles follows helm's loader: provenance under charts/ and a v1 chart's requirements stay, subcharts and metadata do not", () => {
    const { dir, cleanup } = tempDir();
    try {
      const chart = loadChartDir(
        writeFiles(join(dir, 'old'), {
          'Chart.yaml': 'apiVersion: v1\nname: old\nversion: 1.0.0\n',
          'requirements.yaml': 'dependencies: []\n',
          '.helmignore': '*.bak\n',
          'notes.bak': 'ignored',
          'crds/crd.yaml': 'kind: CustomResourceDefinition\n',
          'values.yaml': 'a: 1\n',
          'values.schema.json': '{}',
          'templates/a.yaml': 'kind: A\n',
          'charts/dep-1.0.0.tgz.prov': 'signature',
          'charts/sub/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 1.0.0\n',
          'charts/sub/README.md': 'sub readme',
        }),
      );
      expect(helmFiles(chart).map((f) => f.name)).toEqual(['.helmignore', 'charts/dep-1.0.0.tgz.prov', 'crds/crd.yaml', 'requirements.yaml']);
      const rec = chartRecord(chart);
      expect(rec.values).toEqual({ a: 1 });
      expect(rec.schema).toBe(b64('{}'));
      expect(rec.templates.map((t) => t.name)).toEqual(['templates/a.yaml']);
    } finally {
      cleanup();
    }
  });

  it('hookRecord records a hook as helm did: name, kind, template path, document, events, weight, policies, no run yet', () => {
    const helmHook = decodeRelease(stored(HELM_FX)).hooks![0];
    const docs = parseRenderedFile({ path: 'fx/templates/hook.yaml', content: `${helmHook.manifest}\n`, file: 'fx/templates/hook.yaml', chart: { metadata: { name: 'fx' } } });
    const { hooks } = sortDocuments(docs);
    expect(hooks.map(hookRecord)).toEqual([helmHook]);
  });

  it('recordSize is the length of what the Secret holds; the limit is the 1 MiB Kubernetes allows for Secret data', () => {
    const rel = sampleRelease();
    expect(recordSize(rel)).toBe(encodeRelease(rel).length);
    expect(MAX_RECORD_BYTES).toBe(1048576);
  });
});
