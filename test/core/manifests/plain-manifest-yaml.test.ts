import test from 'ava';
import { readFile } from 'node:fs/promises';
import { Lexer, CST } from 'yaml';
import { ManifestError } from '../../../core/manifests/manifest-error.js';
import { DEFAULT_MANIFEST_LIMITS } from '../../../core/manifests/manifest-limits.js';
import { parseManifestYaml, parseManifestYamlPrecisely } from '../../../core/manifests/manifest-yaml.js';
import { parsePlainManifestYaml } from '../../../core/manifests/plain-manifest-yaml.js';

/** Manifests and other YAML of this repository, as authors write them. */
const repositoryFiles = [
  'stacks/whoami.yaml',
  'stacks/wiki/database.yaml',
  'stacks/wiki/wiki.yaml',
  'config/rsgo.yaml',
  'config/production.example.yaml',
  'integrations/azure-devops/rsgo-redeploy.yml',
  'integrations/azure-devops/rsgo-sync-upgrade.yml',
  'integrations/github-actions/rsgo-deploy/action.yml',
  'integrations/gitlab-ci/rsgo.gitlab-ci.yml',
];

const benchManifest = `metadata:
  name: Bench Product 1
  productId: com.example.bench.product-1
  productVersion: "1.2.0"
  description: Generated product 1, version 1.2.0, for the catalog benchmark.
  tags: [bench, generated]
variables:
  API_PORT: { type: Port, default: "8080" }
  LOG_LEVEL: { type: Select, default: info, options: [{ value: info }, { value: debug }] }
  DB_PASSWORD: { type: Password, required: true }
services:
  api:
    image: registry.example.com/bench/api-1:\${API_TAG}
    ports: ["\${API_PORT}:8080"]
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
    dependsOn: [db]
    healthCheck: { type: http, path: /health, port: 8080, interval: 10s }
volumes:
  data: {}
`;

const pairs = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}: v`).join(', ');
const line = (entries: number) => `{${pairs(0, entries)}}`;

/** Corners where YAML parsers tend to differ, valid and invalid. */
const corners = [
  '',
  '   \n',
  '# a comment only\n',
  '---\n',
  '---\na: 1\n',
  'a: 1\n...\n',
  '--- a\n',
  '%YAML 1.2\n---\na: 1\n',
  'a: 1\n---\nb: 2\n',
  'numbers: [1.10, 0755, 1e3, .inf, -.5, 0x1F, 0o17, +1, 1_000]\n',
  'nulls: [~, null, Null, NULL, "", ]\nempty:\n',
  'bools: [true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n]\n',
  'true: a\n"true": b\nnull: c\n',
  '~: a\nnull: b\n',
  '1: a\n"1": b\n',
  'a: 1\na: 2\n',
  '? complex\n: value\n',
  '[a, b]: c\n',
  '{a: 1}: b\n',
  `${'k'.repeat(200)}: v\n`,
  `${'k'.repeat(1100)}: v\n`,
  '"a\\tb\\u00e9\\x41\\/\\N\\_\\L\\P": "\\U0001F600"\n',
  "a: 'it''s'\nb: 'one\n\n  two\n   three'\n",
  'a: "one\n\n  two \\\n  three"\n',
  'a: plain\n  continued\n\n  after blank\nb: x\n',
  'a: |\n  keep\n   more\n\n',
  'a: |-\n  strip\n\n\nb: 1\n',
  'a: |+\n  keep\n\n\nb: 1\n',
  'a: >\n  folded\n  line\n\n  para\n    indented\n  back\n',
  'a: >-\n  x\nb: |2\n    two extra\n',
  'a: |\n\n\n  leading blanks\n',
  'a: |\n  no newline at end',
  'a: b#c\nd: e # comment\n# between\nf: "g" #x\n',
  'a: [x, y, ]\nb: {c: 1, d, e: }\nc: [p: q, r]\n',
  'a: [\n  x,\n  [y, {z: 1}]\n]\n',
  'a: [b\nc]\n',
  'a: {"q":b, \'r\': c}\n',
  'a: b: c\n',
  '- a\nb: c\n',
  'a:\n- b\n- c\n',
  '- a\n - b\n',
  'a: "unclosed\n',
  'a: [unclosed\n',
  'a:\n\tb: c\n',
  'a: "tab\there"\n',
  'a: @foo\n',
  'a: `foo`\n',
  'a: -b\nc: :d\ne: ?f\ng: %h\n- -1\n',
  'a: value\n  bad: indent\n',
  '"multi\nline": key\n',
  'a: &x 1\nb: *x\n',
  'base: &b { x: 1 }\nderived:\n  <<: *b\n  y: 2\n',
  'a:\n  <<: { x: 1 }\n',
  'a: !!str 1\nb: !custom x\n',
  '__proto__: x\nconstructor: y\nhasOwnProperty: z\n',
  'emoji😀: "✓"\nnel: a\u0085b\nls: a\u2028b\n',
  'a:\n b:\n  c: 1\n d:    - x\n',
  'a:    # comment after key\n  b: 1\n',
  '- - - - x\n',
  `${'- '.repeat(70)}x\n`,
  `${'- '.repeat(30)}x\n`,
  `a: ${line(70)}\n`,
  `a: ${line(60)}\n`,
  `${line(70).replaceAll(', ', ',\n  ')}\n`,
  `${'['.repeat(64)}${']'.repeat(64)}\n`,
  `${'['.repeat(65)}${']'.repeat(65)}\n`,
  `${'['.repeat(64)}x${']'.repeat(64)}\n`,
  `a: "${'- : ?'.repeat(40)}"\nb: |\n  ${'-:?'.repeat(40)}\n# ${'-'.repeat(100)}\n`,
  // One line for the lexer, two for the eye: the indicators of both count together.
  `a: {${pairs(0, 40)}, q: "x\n  y", ${pairs(40, 70)}}\n`,
  `a: {${pairs(0, 40)}, q: x\n  y, ${pairs(40, 70)}}\n`,
  `a: {${pairs(0, 20)}, q: "x\n  y", ${pairs(20, 40)}}\n`,
  `k: ${'x: '.repeat(70)}\n`,
];

type Outcome = { readonly value: unknown } | { readonly issues: unknown };

function outcome(parse: () => unknown): Outcome {
  try {
    return { value: typed(parse()) };
  } catch (err) {
    if (err instanceof ManifestError) return { issues: err.issues };
    throw err;
  }
}

/** A value with its types and map order spelled out, so comparisons see both. */
function typed(value: unknown): unknown {
  if (value instanceof Map) return { map: [...value].map(([key, item]) => [typed(key), typed(item)]) };
  if (Array.isArray(value)) return { list: value.map(typed) };
  return { [value === null ? 'null' : typeof value]: value };
}

/** The most block indicators the precise parser's lexer counts on one line. */
function crowdedLine(text: string): number {
  let most = 0;
  let onLine = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const type = CST.tokenType(lexeme);
    if (type === 'newline') onLine = 0;
    else if (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind') most = Math.max(most, ++onLine);
  }
  return most;
}

async function texts(): Promise<Array<[string, string]>> {
  const files = await Promise.all(repositoryFiles.map(async (file): Promise<[string, string]> => [file, await readFile(file, 'utf8')]));
  const all: Array<[string, string]> = [...files, ['bench manifest', benchManifest], ...corners.map((text, i): [string, string] => [`corner ${i}`, text])];
  return [...all, ...all.map(([name, text]): [string, string] => [`${name} (CRLF)`, text.replaceAll('\n', '\r\n')])];
}

test('The quick way gives what the precise way gives, and leaves it every file it refuses', async (t) => {
  for (const [name, text] of await texts()) {
    const precise = outcome(() => parseManifestYamlPrecisely(text, 'f.yaml'));
    t.deepEqual(outcome(() => parseManifestYaml(text, 'f.yaml')), precise, name);
    const plain = parsePlainManifestYaml(text, DEFAULT_MANIFEST_LIMITS);
    if (plain !== null) t.deepEqual({ value: typed(plain.value) }, precise, name);
  }
});

test('The quick way declines a line the precise way counts as too deep', async (t) => {
  for (const [name, text] of await texts()) {
    if (crowdedLine(text) > DEFAULT_MANIFEST_LIMITS.maxDepth) t.is(parsePlainManifestYaml(text, DEFAULT_MANIFEST_LIMITS), null, name);
  }
});

test('Manifests as authors write them take the quick way', async (t) => {
  for (const [name, text] of (await texts()).filter(([name]) => !name.startsWith('corner'))) {
    t.not(parsePlainManifestYaml(text, DEFAULT_MANIFEST_LIMITS), null, name);
  }
});

test('Anchors, aliases, tags, merge keys and complex keys take the precise way', (t) => {
  for (const text of ['a: &x 1\nb: *x\n', 'a:\n  <<: { x: 1 }\n', 'a: !!str 1\n', '? [a]\n: b\n', '{a: 1}: b\n']) {
    t.is(parsePlainManifestYaml(text, DEFAULT_MANIFEST_LIMITS), null, text);
  }
});
