import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  bannedTerms, checkContent, checkDemoHomes, checkGlossaryHomes, checkLanguageStructure, checkReferences, checkTermList,
  chineseTexts, ZH_TERMS,
} from '../../../scripts/contentChecks';

const root = join(__dirname, '..', '..', '..');
const media = join(root, 'media');

/** A throw-away content tree: { 'media/lecture/en/gpt1.md': '…' } → a temp dir holding those files. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-content-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function section(lines: string[], demos: string[] = [], file = 'media/lecture/en/x.md'): Parameters<typeof checkReferences>[0] {
  return { id: 'x', file, lines: lines.map((l, i): [number, string] => [i + 10, l]), demos };
}

const md = (id: string, body: string, demos = '[]'): string => `---\nid: ${id}\ntitle: "T"\npart: part-background\norder: 1\ndemos: ${demos}\n---\n\n${body}\n`;

describe('content checks: Chinese term list', () => {
  it('the shipped tree uses one Chinese term per concept (lecture, questions, demos, glossary, UI, walkthroughs)', () => {
    assert.deepEqual(checkTermList(root), []);
  });

  it('reports every banned variant with file and line, and the term to use', () => {
    const problems = bannedTerms('media/lecture/zh-cn/x.md', [
      [3, '每个 token 都要看之前的所有 tokens。'],
      [4, '这就是情景学习，也叫情境学习或语境学习。'],
      [5, '奖励黑客、奖励作弊和过优化。'],
      [6, '标注人员和标注者，以及 AI 训练员。'],
      [7, '**核心思想。** 一段话'],
    ]);
    const at = (line: number, word: string, use: string): boolean =>
      problems.some((p) => p.startsWith(`media/lecture/zh-cn/x.md:${line}: "${word}"`) && p.includes(`write "${use}"`));
    assert.ok(at(3, 'token', '词元') && at(3, 'tokens', '词元'), problems.join('\n'));
    assert.ok(at(4, '情景学习', '上下文学习') && at(4, '情境学习', '上下文学习') && at(4, '语境学习', '上下文学习'));
    assert.ok(at(5, '奖励黑客', '奖励投机') && at(5, '奖励作弊', '奖励投机') && at(5, '过优化', '过度优化'));
    assert.ok(at(6, '标注人员', '标注员') && at(6, '标注者', '标注员') && at(6, '训练员', 'AI 训练师'));
    assert.ok(at(7, '**核心思想。**', '**核心思想：**'));
    assert.equal(problems.length, 12, problems.join('\n'));
  });

  it('leaves what is not prose alone: the gloss 词元（token）, code, identifiers, paths, links, math', () => {
    assert.deepEqual(bannedTerms('f', [
      [1, '**词元（token）**是模型读写的单位；预测下一个词元（next-token prediction）。'],
      [2, '设置 `llmLab.maxTokens` 或 `max_tokens`，公式 $x_{token}$。'],
      [3, '[阅读](command:llmLab.openLecture?%5B%22token%22%5D) 见 walkthroughs/zh-cn/tokens.md'],
      [4, '::widget[next-token]'],
      [5, '**核心思想：** 过度优化、上下文学习、奖励投机、标注员、AI 训练师。'],
    ]), []);
  });

  it('the glossary may keep a variant as an alias, but not as its name or in a definition; UI keys are not checked', () => {
    const dir = tree({
      'media/glossary/terms.yaml': [
        '- id: in-context-learning',
        '  section: in-context-learning',
        '  en:',
        '    term: "In-context learning"',
        '    aliases: ["token"]',
        '  zh-cn:',
        '    term: "情景学习"',
        '    aliases: ["上下文学习", "情景学习"]',
        '    definition: "模型读入几个 token 的示例。"',
      ].join('\n'),
      'l10n/src/demo.zh-cn.json': '{\n  "Count tokens": "数 token",\n  "Tokens": "词元"\n}\n',
    });
    try {
      const problems = chineseTexts(dir).flatMap(({ file, lines }) => bannedTerms(file, lines));
      assert.deepEqual(problems.map((p) => p.split(' — ')[0]), [
        'media/glossary/terms.yaml:7: "情景学习"',
        'media/glossary/terms.yaml:9: "token"',
        'l10n/src/demo.zh-cn.json:2: "token"',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('docs/content-format.md lists every term the check enforces', () => {
    const doc = readFileSync(join(root, 'docs', 'content-format.md'), 'utf8');
    for (const rule of ZH_TERMS) assert.ok(doc.includes(rule.use), `docs/content-format.md does not list "${rule.use}" (${rule.concept})`);
  });
});

describe('content checks: homes', () => {
  it('every glossary term is mentioned (name or alias) in its section, in both languages', () => {
    assert.deepEqual(checkGlossaryHomes(media), []);
  });

  it('reports a glossary term whose section never mentions it, and an unknown section, with the terms.yaml line', () => {
    const dir = tree({
      'media/glossary/terms.yaml': [
        '- id: temperature',
        '  section: gpt1',
        '  en: { term: "Temperature (sampling)", aliases: ["sampling temperature"] }',
        '  zh-cn: { term: "温度（采样）", aliases: ["采样温度"] }',
        '- id: codex',
        '  section: no-such-section',
        '  en: { term: "Codex" }',
        '  zh-cn: { term: "Codex" }',
      ].join('\n'),
      'media/lecture/en/gpt1.md': md('gpt1', 'GPT-1 is fine-tuned. The temperature was 1.'),
      'media/lecture/zh-cn/gpt1.md': md('gpt1', 'GPT-1 需要精调。'),
    });
    try {
      const problems = checkGlossaryHomes(join(dir, 'media'));
      assert.equal(problems.length, 2, problems.join('\n'));
      assert.match(problems[0], /^media\/glossary\/terms\.yaml:1: term "temperature" has section "gpt1", but media\/lecture\/zh-cn\/gpt1\.md never mentions "温度（采样）"/);
      assert.match(problems[1], /^media\/glossary\/terms\.yaml:5: term "codex" names unknown section "no-such-section"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("every demo's home section embeds it, in both languages", () => {
    assert.deepEqual(checkDemoHomes(media), []);
  });

  it('reports a demo whose home section does not embed it', () => {
    const dir = tree({
      'media/demos/zero-shot/en.yaml': 'id: zero-shot\nsection: gpt1\n',
      'media/demos/zero-shot/zh-cn.yaml': 'id: zero-shot\nsection: gpt1\n',
      'media/lecture/en/gpt1.md': md('gpt1', 'Try it:\n\n::demo[zero-shot]', '[zero-shot]'),
      'media/lecture/zh-cn/gpt1.md': md('gpt1', '试一试。'),
    });
    try {
      assert.deepEqual(checkDemoHomes(join(dir, 'media')), [
        'media/demos/zero-shot/zh-cn.yaml:2: home section "gpt1" does not embed ::demo[zero-shot] (media/lecture/zh-cn/gpt1.md)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('content checks: references and EN/ZH structure', () => {
  it('reports unknown sections, missing figures, broken links and unknown or unlisted embeds at their line', () => {
    const problems = checkReferences(section([
      'See [the flywheel](#flywheel) and [nowhere](#no-such-section).',
      '![A figure](images/flywheel.svg) ![Missing](images/not-there.svg) ![Wrong](pics/a.png)',
      '[paper](https://arxiv.org/abs/2203.02155) [insecure](http://example.com) [relative](other.md)',
      '::demo[pal]',
      '::demo[no-such-demo]',
      '::widget[ranking-loss]',
      '::quiz[x]',
      '```text',
      '[inside code](#ignored)',
      '```',
    ], ['pal']), media);
    assert.deepEqual(problems, [
      'media/lecture/en/x.md:10: link to unknown section "#no-such-section"',
      'media/lecture/en/x.md:11: figure "images/not-there.svg" does not exist under media/',
      'media/lecture/en/x.md:11: figure "pics/a.png" must be images/<name>.svg',
      'media/lecture/en/x.md:12: broken link "http://example.com" (use #section-id or a full https:// URL)',
      'media/lecture/en/x.md:12: broken link "other.md" (use #section-id or a full https:// URL)',
      'media/lecture/en/x.md:14: unknown demo "no-such-demo"',
      'media/lecture/en/x.md:14: embeds demo "no-such-demo" that front matter "demos" does not list',
      'media/lecture/en/x.md:16: unknown directive "::quiz[x]" (only ::demo[id] and ::widget[id])',
    ]);
  });

  it('compares headings, embeds, figures, section links and display formulas between the languages', () => {
    const en = section(['## A', '![x](images/flywheel.en.svg)', '$$', 'x', '$$', '::widget[ppo]', 'See [PPO](#rlhf-ppo).', '### B']);
    const same = section(['## 甲', '![x](images/flywheel.zh-cn.svg)', '$$', 'x', '$$', '::widget[ppo]', '见 [PPO](#rlhf-ppo)。', '### 乙'], [], 'media/lecture/zh-cn/x.md');
    assert.deepEqual(checkLanguageStructure(en, same), []);
    const other = section(['## 甲', '::widget[scaling]', '见 [SFT](#rlhf-sft)。'], [], 'media/lecture/zh-cn/x.md');
    const problems = checkLanguageStructure(en, other);
    for (const what of ['heading levels', 'embeds', 'figures', 'section links', 'display formulas']) {
      assert.ok(problems.some((p) => p.startsWith('media/lecture/zh-cn/x.md: ') && p.includes(what)), `${what} not reported:\n${problems.join('\n')}`);
    }
  });

  it('the shipped content has no reference, structure, home or term problems', () => {
    assert.deepEqual(checkContent(root), []);
  });
});

describe('content build (scripts/buildContent.ts)', function () {
  this.timeout(180000);

  it('exits non-zero and names file:line for each problem in a broken tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmlab-build-'));
    try {
      for (const part of ['media', 'l10n', 'walkthroughs', 'package.nls.zh-cn.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
      const gpt3 = join(dir, 'media', 'lecture', 'zh-cn', 'gpt3.md');
      const lines = readFileSync(gpt3, 'utf8').split('\n');
      const at = lines.length + 1;
      writeFileSync(gpt3, `${lines.join('\n')}\n这就是情景学习，见[别处](#no-such-section)。\n`);
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'buildContent.ts'), '--check'], {
        cwd: root,
        env: { ...process.env, LLMLAB_CONTENT_ROOT: dir, LLMLAB_CONTENT_WARN_ONLY: '' },
        encoding: 'utf8',
      });
      assert.equal(run.status, 1, `exit ${run.status}\n${run.stdout}\n${run.stderr}`);
      assert.match(run.stderr, /content problem\(s\); the build fails/);
      assert.ok(run.stderr.includes(`media/lecture/zh-cn/gpt3.md:${at}: "情景学习" — write "上下文学习"`), run.stderr);
      assert.ok(run.stderr.includes(`media/lecture/zh-cn/gpt3.md:${at}: link to unknown section "#no-such-section"`), run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
